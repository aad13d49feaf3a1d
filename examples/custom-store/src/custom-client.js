// Stands in for a third-party key-value SDK without type declarations of its own (the usual case
// for the backends people write custom stores for). Connections to the same URL share one "server".
const servers = new Map()

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect' })

export const customClient = {
  /** Serves `url` from `map` (tests hand in a map that counts reads and injects faults). */
  serve(url, map) {
    servers.set(url, map)
  },
  connect(url) {
    if (url.startsWith('unreachable:')) {
      const fail = async () => {
        throw refused()
      }
      return { get: fail, set: fail, del: fail, async disconnect() {} }
    }
    let server = servers.get(url)
    if (!server) {
      server = new Map()
      servers.set(url, server)
    }
    let open = true
    const ensureOpen = () => {
      if (!open) throw new Error('connection closed')
    }
    return {
      async get(name) {
        ensureOpen()
        return server.get(name)
      },
      async set(name, value) {
        ensureOpen()
        server.set(name, value)
      },
      async del(name) {
        ensureOpen()
        server.delete(name)
      },
      async disconnect() {
        open = false
      },
    }
  },
}
