import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { secretManagerBackdoor } from './gcp.js'
import { type FakeSecretManager, startSecretManagerFake } from './secret-manager-fake.js'

export interface FakePerFile<Store> {
  readonly fake: FakeSecretManager
  /** A raw client straight to the fake (bypassing its fault injection). */
  readonly raw: SecretManagerServiceClient
  /** The raw-client back door for `projects/<project>`. */
  readonly door: ReturnType<typeof secretManagerBackdoor>
  /** Stores pushed here are destroyed after each test. */
  readonly stores: Store[]
}

/**
 * One Secret Manager fake for the test file that calls it: started before its tests, reset after each
 * (when the stores pushed to `stores` are destroyed) and stopped after the last.
 */
export function useSecretManagerFake<Store extends { destroy(): Promise<void> }>(project: string): FakePerFile<Store> {
  let state: { fake: FakeSecretManager; raw: SecretManagerServiceClient; door: FakePerFile<Store>['door'] } | undefined
  const stores: Store[] = []
  beforeAll(async () => {
    const fake = await startSecretManagerFake()
    const raw = new SecretManagerServiceClient(fake.directClientOptions())
    state = { fake, raw, door: secretManagerBackdoor(raw, `projects/${project}`) }
  })
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.destroy()
    state?.fake.reset()
  })
  afterAll(async () => {
    await state?.raw.close()
    await state?.fake.stop()
  })
  const started = () => {
    if (state === undefined) throw new Error('the Secret Manager fake starts in beforeAll')
    return state
  }
  return {
    stores,
    get fake() {
      return started().fake
    },
    get raw() {
      return started().raw
    },
    get door() {
      return started().door
    },
  }
}
