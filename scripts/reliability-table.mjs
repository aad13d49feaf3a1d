// Turns the JSON lines the contract suite wrote (suite, figure, value) into docs/reliability.md.
import { readFileSync } from 'node:fs'

const rows = readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line))
const suites = [...new Set(rows.map((r) => r.suite))].sort()
const figures = [...new Set(rows.map((r) => r.figure))]
const show = (value) => (Array.isArray(value) ? value.join(' / ') : String(value))
const cell = (suite, figure) => {
  const found = rows.filter((r) => r.suite === suite && r.figure === figure)
  return found.length === 0 ? '' : show(found[found.length - 1].value)
}

const lines = [
  '# Reliability: faults tried and figures measured',
  '',
  'Written by `bash scripts/reliability.sh` from the contract suite\'s "deadlines, retries and hostile answers"',
  "section, run against each adapter's test backend (moto, OpenBao, the Key Vault, Secret Manager and Infisical",
  "fakes, a real daprd, and the in-memory stores). Faults come from the testkit's fault proxy between the store",
  "and the backend (or the fake's own fault injection for gRPC, and the memory backend for maps). The same",
  'section runs in every CI build and fails it when a property breaks; this file keeps the numbers.',
  '',
  '- **foreign**: the error code a store gives for an answer that is not its backend\'s (never "missing").',
  '- **longest call**: the slowest get, set or remove under the fault, with `timeoutMs: 1500`.',
  '- **1,000 reads, 30% 503**: reads that returned the value, backend requests sent, and latency, with the',
  '  default retry policy (5 attempts, jittered backoff, retry budget).',
  '- **200 workers**: failed writes / values a remove had deleted that came back / reads that missed the',
  "  store's own acknowledged write.",
  '',
]
for (const figure of figures) {
  lines.push(`## ${figure}`, '', '| store and backend | value |', '| --- | --- |')
  for (const suite of suites) {
    const value = cell(suite, figure)
    if (value !== '') lines.push(`| ${suite} | ${value} |`)
  }
  lines.push('')
}
process.stdout.write(`${lines.join('\n')}`)
