import { DefaultSecretStore } from '@secret-store/core'
import { ANY_STRING_NAMES, registerContractSuite } from '@secret-store/testkit'

// The back door is the map behind the store, shared with every store the suite creates.
const map = new Map<string, string>()

registerContractSuite({
  name: 'DefaultSecretStore',
  createStore: (options) => new DefaultSecretStore({ ...options, map }),
  backdoor: {
    get: async (name) => map.get(name),
    set: async (name, value) => {
      map.set(name, value)
    },
    remove: async (name) => {
      map.delete(name)
    },
  },
  names: { brownfield: ANY_STRING_NAMES },
})
