import { ANY_STRING_NAMES, memoryBackend, registerContractSuite } from '@secret-store/testkit'
import { customClient } from '../src/custom-client.js'
import { MySecretStore } from '../src/my-secret-store.js'

const url = 'memory://contract'
// The "server" behind the client is a map that counts reads and injects faults; the back door reads it directly.
const backend = memoryBackend()
customClient.serve(url, backend.map)

registerContractSuite({
  name: 'handbook custom store (MySecretStore)',
  createStore: (options) => new MySecretStore({ ...options, config: { url } }),
  createUnreachableStore: (options) => new MySecretStore({ ...options, config: { url: 'unreachable://contract' } }),
  backdoor: backend.backdoor,
  faults: backend.faults,
  // The handbook sample collects results in a plain object, where a `__proto__` key cannot be set: a store
  // that should take that name builds its result with Object.create(null), as the adapters do.
  names: { brownfield: ANY_STRING_NAMES.filter((name) => name !== '__proto__') },
  // The handbook's store implements get, set and remove only; the suite checks that it says so.
  unsupported: { listing: "the handbook's sample implements no listing hook" },
})
