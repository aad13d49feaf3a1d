import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import type { StoreBaseOptions } from '@secret-store/core'
import { freeLoopbackPort, registerContractSuite } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { GCPSecretStore } from '../src/index.js'
import { loopbackClientOptions } from './support/client-options.js'
import { brownfieldNames, invalidNames, secretManagerBackdoor } from './support/gcp.js'
import { type GoEmulator, startGoEmulator } from './support/go-emulator.js'
import { type GrpcFaultProxy, startGrpcFaultProxy } from './support/grpc-fault-proxy.js'
import { isSecretRead, isValueWrite } from './support/secret-manager-faults.js'

// The contract suite against the independent Go emulator, through an HTTP/2 fault proxy that counts
// reads and injects transport faults (what grpc-js makes of a proxy's answers). The emulator has no
// ListSecretVersions, Disable/Enable/DestroySecretVersion and no CRC32C, so these stores purge on
// remove, leave old versions alone and accept answers without a checksum: everything else is the
// store's default path (Create, Add and Access version, Delete secret).
const PROJECT = 'emulator-project'

let emulator: GoEmulator
let proxy: GrpcFaultProxy
let raw: SecretManagerServiceClient
let closedPort: number

beforeAll(async () => {
  emulator = await startGoEmulator()
  proxy = await startGrpcFaultProxy(emulator.port)
  raw = new SecretManagerServiceClient(emulator.clientOptions())
  closedPort = await freeLoopbackPort()
})
afterAll(async () => {
  await raw?.close()
  await proxy?.close()
  await emulator?.stop()
})

const door = async () => ({
  ...secretManagerBackdoor(raw, `projects/${PROJECT}`),
  requestStats: proxy.requestStats,
  resetRequestStats: proxy.resetRequestStats,
})

/** What the emulator can serve: no version management, no checksums. */
const emulatorSettings = {
  projectId: PROJECT,
  purgeOnRemove: true,
  oldVersions: 'keep',
  requireChecksum: false,
} as const

registerContractSuite({
  name: 'GCPSecretStore on the Go Secret Manager emulator v0.1.0 (purging, through a gRPC fault proxy)',
  createStore: (options: StoreBaseOptions) =>
    new GCPSecretStore({ ...options, ...emulatorSettings, clientOptions: proxy.clientOptions() }),
  createUnreachableStore: (options: StoreBaseOptions) =>
    new GCPSecretStore({ ...options, ...emulatorSettings, clientOptions: loopbackClientOptions(closedPort) }),
  backdoor: door,
  faults: () => proxy,
  faultTargets: { isRead: isSecretRead, isValueWrite },
  names: { brownfield: brownfieldNames(door, { id: PROJECT }), invalid: invalidNames(PROJECT) },
  // The emulator pages ListSecrets over an unordered Go map, its page tokens being positions in it: pages
  // overlap and skip from one request to the next. Listing across pages is proven on the fake.
  listingPageSize: 1_000,
})
