import { describe, expect, it } from 'vitest'
import { BulkPolicy } from '../src/bulk.js'
import { AUTO_BULK_MIN_SECRETS, BULK_ENTRIES_PER_SINGLE_READ } from '../src/index.js'

describe('BulkPolicy', () => {
  it("'never' never takes the bulk read; 'always' takes it from two secrets", () => {
    const never = new BulkPolicy('never')
    const always = new BulkPolicy('always')
    for (const count of [2, 3, 100]) expect(never.useBulk(count)).toBe(false)
    expect(always.useBulk(1)).toBe(false)
    expect(always.useBulk(2)).toBe(true)
    always.recordBulkFailure()
    expect(always.useBulk(2)).toBe(true)
  })

  it("'auto' tries the bulk read from AUTO_BULK_MIN_SECRETS secrets until it has measured one", () => {
    const auto = new BulkPolicy('auto')
    expect(AUTO_BULK_MIN_SECRETS).toBe(3)
    expect(auto.bulkCost).toBeUndefined()
    expect(auto.useBulk(1)).toBe(false)
    expect(auto.useBulk(2)).toBe(false)
    expect(auto.useBulk(3)).toBe(true)
  })

  it("'auto' weighs a bulk read by its size until it has timed a single read", () => {
    const auto = new BulkPolicy('auto')
    auto.recordBulk(12, 5_000)
    expect(BULK_ENTRIES_PER_SINGLE_READ).toBe(200)
    expect(auto.bulkCost).toBe(26)
    expect(auto.useBulk(26)).toBe(false)
    expect(auto.useBulk(27)).toBe(true)
    const small = new BulkPolicy('auto')
    small.recordBulk(1, 10)
    expect(small.bulkCost).toBeCloseTo(1.05)
    expect(small.useBulk(2)).toBe(true)
  })

  it("'auto' compares measured times once it has both, with moving averages", () => {
    const auto = new BulkPolicy('auto')
    auto.recordBulk(10, 50)
    auto.recordSingle(1)
    expect(auto.bulkCost).toBe(10)
    expect(auto.useBulk(10)).toBe(false)
    expect(auto.useBulk(11)).toBe(true)
    // A slower backend behind the component: single reads get slower, the bulk read gets cheaper in comparison.
    auto.recordSingle(11)
    expect(auto.bulkCost).toBeCloseTo(10 / 4)
    expect(auto.useBulk(3)).toBe(true)
    // A bulk read that turns out slow pushes the cost up again.
    auto.recordBulk(110, 50)
    expect(auto.bulkCost).toBeCloseTo(40 / 4)
  })

  it("'auto' stops trying a bulk read the component refused", () => {
    const auto = new BulkPolicy('auto')
    auto.recordBulkFailure()
    expect(auto.useBulk(1_000)).toBe(false)
  })
})
