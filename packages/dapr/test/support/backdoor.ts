/**
 * The contract suite's back door on a daprd: writes go into the local file stores' secrets JSON (then
 * SIGHUP, so daprd reads it again); reads ask daprd's `local-file` store directly, not through the fault
 * proxy, so they are never counted as the store's reads.
 */
import type { ContractBackdoor } from '@secret-store/testkit'
import type { Daprd } from './daprd.js'

export type FileBackdoor = Omit<ContractBackdoor, 'requestStats' | 'resetRequestStats'>

export function fileBackdoor(daprd: Daprd): FileBackdoor {
  // Flat keys only: with nested objects the file stores would flatten them into other names.
  // A Map, so that a secret named `__proto__` is a key like any other.
  const secrets = new Map<string, string>()
  const headers: Record<string, string> = daprd.apiToken === undefined ? {} : { 'dapr-api-token': daprd.apiToken }
  return {
    async get(name) {
      const url = `${daprd.httpEndpoint}/v1.0/secrets/${daprd.stores.file}/${encodeURIComponent(name)}`
      const res = await fetch(url, { headers })
      const body = await res.text()
      if (res.status === 500 && body.includes('"ERR_SECRET_GET"') && body.includes('not found')) return undefined
      if (res.status !== 200) throw new Error(`back door: daprd answered ${res.status}`)
      const map = JSON.parse(body) as Record<string, string>
      const value = Object.hasOwn(map, name) ? map[name] : undefined
      return value === '' ? undefined : value
    },
    async set(name, value) {
      secrets.set(name, value)
      await daprd.reload(Object.fromEntries(secrets))
    },
    async remove(name) {
      if (!secrets.delete(name)) return
      await daprd.reload(Object.fromEntries(secrets))
    },
  }
}
