import { ANY_STRING_NAMES, registerContractSuite } from '@secret-store/testkit'
import { customClient } from '../src/custom-client.js'
import { MySecretStore } from '../src/my-secret-store.js'

const url = 'memory://contract'
// The back door is a second connection to the same in-memory server.
const raw = customClient.connect(url)

registerContractSuite({
  name: 'handbook custom store (MySecretStore)',
  createStore: (options) => new MySecretStore({ ...options, config: { url } }),
  backdoor: {
    get: (name) => raw.get(name),
    set: (name, value) => raw.set(name, value),
    remove: (name) => raw.del(name),
  },
  // The handbook sample collects results in a plain object, where a `__proto__` key cannot be set: a store
  // that should take that name builds its result with Object.create(null), as the adapters do.
  names: { brownfield: ANY_STRING_NAMES.filter((name) => name !== '__proto__') },
})
