import { DefaultSecretStore } from '@secret-store/core'
import { ANY_STRING_NAMES, memoryBackend, registerContractSuite } from '@secret-store/testkit'

// The store's map counts reads and injects faults like a network client; the back door reads it directly.
const backend = memoryBackend()

registerContractSuite({
  name: 'DefaultSecretStore',
  createStore: (options) => new DefaultSecretStore({ ...options, map: backend.map }),
  createUnreachableStore: (options) => new DefaultSecretStore({ ...options, map: backend.unreachableMap }),
  backdoor: backend.backdoor,
  faults: backend.faults,
  names: { brownfield: ANY_STRING_NAMES },
})
