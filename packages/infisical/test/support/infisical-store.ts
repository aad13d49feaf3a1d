/**
 * The Infisical fake's secrets: environments, each a tree of folders (`/`, `/app`, `/app/db`), each folder
 * holding secrets with keys unique in it. Every change bumps a secret's version and keeps the old one, and
 * values expand `${KEY}` (same environment and folder) and `${env.folder.sub.KEY}` references the way
 * Infisical's `expandSecretReferencesFactory` does.
 */
import { randomUUID } from 'node:crypto'

export interface SecretVersion {
  version: number
  key: string
  value: string
  comment: string
}

export interface StoredSecret extends SecretVersion {
  readonly id: string
  skipMultilineEncoding: boolean
  readonly createdAt: number
  updatedAt: number
  /** Every version, the current one last. */
  readonly history: SecretVersion[]
}

export type Folder = Map<string, StoredSecret>

const REFERENCE = /\$\{([\w.-]+)\}/g
/** Infisical follows references this many levels deep. */
const MAX_REFERENCE_DEPTH = 10

/** `/a/b/` and `a//b` → `/a/b`. */
export function canonicalPath(path: string): string {
  return `/${path.split('/').filter(Boolean).join('/')}`
}

export class SecretStore {
  /** environment slug → folder path → folder */
  private readonly environments = new Map<string, Map<string, Folder>>()

  constructor(
    private readonly defaultEnvironments: readonly string[],
    private readonly now: () => number,
  ) {
    this.reset()
  }

  reset(): void {
    this.environments.clear()
    for (const env of this.defaultEnvironments) this.mkdir(env, '/')
  }

  hasEnvironment(env: string): boolean {
    return this.environments.has(env)
  }

  folder(env: string, path: string): Folder | undefined {
    return this.environments.get(env)?.get(canonicalPath(path))
  }

  /** Creates the environment and every folder on the path, as needed. */
  mkdir(env: string, path: string): Folder {
    let folders = this.environments.get(env)
    if (folders === undefined) {
      folders = new Map([['/', new Map()]])
      this.environments.set(env, folders)
    }
    let current = ''
    let folder = folders.get('/') as Folder
    for (const segment of canonicalPath(path).split('/').filter(Boolean)) {
      current += `/${segment}`
      folder = folders.get(current) ?? new Map()
      folders.set(current, folder)
    }
    return folder
  }

  /** The folder at `path` and every folder below it, in path order. */
  foldersUnder(env: string, path: string): Array<[string, Folder]> {
    const root = canonicalPath(path)
    const prefix = root === '/' ? '/' : `${root}/`
    return [...(this.environments.get(env) ?? [])]
      .filter(([p]) => p === root || p.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
  }

  insert(folder: Folder, key: string, value: string, comment = '', skipMultilineEncoding = false): StoredSecret {
    const at = this.now()
    const secret: StoredSecret = {
      id: randomUUID(),
      key,
      value,
      comment,
      version: 1,
      skipMultilineEncoding,
      createdAt: at,
      updatedAt: at,
      history: [{ version: 1, key, value, comment }],
    }
    folder.set(key, secret)
    return secret
  }

  /** Applies the changes as the next version (Infisical bumps the version on every update). */
  update(folder: Folder, secret: StoredSecret, changes: Partial<Omit<SecretVersion, 'version'>>): StoredSecret {
    if (changes.key !== undefined && changes.key !== secret.key) {
      folder.delete(secret.key)
      folder.set(changes.key, secret)
    }
    Object.assign(secret, changes, { version: secret.version + 1, updatedAt: this.now() })
    secret.history.push({ version: secret.version, key: secret.key, value: secret.value, comment: secret.comment })
    return secret
  }

  /**
   * The value with references replaced. A reference to a missing or empty secret stays as written; a cycle
   * stops at the repeated secret; nesting stops after 10 levels.
   */
  expand(env: string, path: string, secret: StoredSecret, value = secret.value): string {
    if (!/\$\{[\w.-]+\}/.test(value)) return value
    const visit = (text: string, env: string, path: string, depth: number, seen: ReadonlySet<string>): string =>
      text.replace(REFERENCE, (whole, reference: string) => {
        const parts = reference.split('.')
        const key = parts.at(-1) ?? ''
        const [refEnv, refPath] =
          parts.length === 1 ? [env, path] : [parts[0] ?? '', canonicalPath(parts.slice(1, -1).join('/'))]
        const found = this.folder(refEnv, refPath)?.get(key)?.value ?? ''
        if (found === '') return whole
        const id = `${refEnv}:${refPath}:${key}`
        if (seen.has(id) || depth >= MAX_REFERENCE_DEPTH) return found
        return visit(found, refEnv, refPath, depth + 1, new Set([...seen, id]))
      })
    const expanded = visit(value, env, canonicalPath(path), 0, new Set([`${env}:${canonicalPath(path)}:${secret.key}`]))
    // Secrets marked skipMultilineEncoding come back as one quoted line once expanded.
    return secret.skipMultilineEncoding && expanded.includes('\n') ? `"${expanded.replaceAll('\n', '\\n')}"` : expanded
  }
}
