import { registerContractSuite } from '@secret-store/testkit'
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
})
