/**
 * Listing names on Infisical: one recursive `listSecrets` of the deepest folder a prefix fully names,
 * values left on the server, and the answer's keys turned back into the store's names.
 */
import type { InfisicalSDK } from '@infisical/sdk'
import { type SecretNamePage, secretNameProblem } from '@secret-store/core'
import { foreignAnswer, isMissing } from './errors.js'
import { FOLDER_NAME, infisicalSecretName, locate } from './names.js'
import type { InfisicalStoreSettings } from './types.js'

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

/**
 * Every name below the deepest folder `prefix` fully names, in one page (Infisical's list does not page):
 * one recursive `listSecrets` through `call` (the store's SDK call, under its token and attempt signal),
 * asking for no values (`viewSecretValue: false`, the server sends a placeholder) and no reference
 * expansion. A folder that does not exist (Infisical's 404) holds no names.
 */
export async function listNames(
  prefix: string,
  settings: InfisicalStoreSettings,
  call: (list: (sdk: InfisicalSDK) => Promise<unknown>) => Promise<unknown>,
): Promise<SecretNamePage> {
  const { projectId, environment, secretPath: root } = settings
  const secretPath = listingFolder(prefix, root)
  if (secretPath === undefined) return { names: [] }
  const options = { projectId, environment, secretPath, recursive: true, includeImports: false }
  let answer: unknown
  try {
    answer = await call((sdk) =>
      sdk.secrets().listSecrets({ ...options, expandSecretReferences: false, viewSecretValue: false }),
    )
  } catch (err) {
    if (isMissing(err)) return { names: [] }
    throw err
  }
  return { names: listedNames(answer, root) }
}

/**
 * The folder to list for `prefix`, below the store's folder `root`: the folders before its last `/`
 * (`payments/STR` → `<root>/payments`; `pay` → `<root>`). `undefined` when one of them cannot be a
 * folder name: no secret's name starts with such a prefix.
 */
export function listingFolder(prefix: string, root: string): string | undefined {
  const cut = prefix.lastIndexOf('/')
  if (
    cut >= 0 &&
    !prefix
      .slice(0, cut)
      .split('/')
      .every((folder) => FOLDER_NAME.test(folder))
  )
    return undefined
  return locate(prefix, root).secretPath
}

/**
 * The store's names of the secrets in a list answer (`{ secrets: [{ secretKey, secretPath }] }`), relative
 * to `root`: the key `K` in `<root>/a/b` is `a/b/K`. Personal secrets, secrets outside `root` and keys the
 * store could not read by that name are left out. Throws on an answer that is not Infisical's.
 */
export function listedNames(answer: unknown, root: string): string[] {
  const secrets = asRecord(answer)?.secrets
  if (!Array.isArray(secrets)) throw foreignAnswer()
  const below = root === '/' ? '/' : `${root}/`
  const names: string[] = []
  for (const entry of secrets) {
    const secret = asRecord(entry)
    const { secretKey: key, secretPath: path } = secret ?? {}
    if (typeof key !== 'string' || typeof path !== 'string' || secret?.type === 'personal') continue
    let name: string
    if (path === root) name = key
    else if (path.startsWith(below)) name = `${path.slice(below.length)}/${key}`
    else continue
    if (secretNameProblem(name) === undefined && infisicalSecretName(name) === name) names.push(name)
  }
  return names
}
