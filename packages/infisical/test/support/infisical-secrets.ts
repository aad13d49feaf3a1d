/**
 * The v3 raw secret routes (`/api/v3/secrets/raw[/{secretName}]`) as Infisical's router and
 * secret-v2-bridge service answer them: the same checks in the same order, the same messages, and
 * response bodies with the fields the route's response schema keeps (`workspace`, not `workspaceId`).
 */
import { badRequest, Fields, notFound, permissionDenied, ROUTES } from './infisical-http.js'
import {
  canonicalPath,
  type Folder,
  type SecretStore,
  type SecretVersion,
  type StoredSecret,
} from './infisical-store.js'

/** `createFolder` is the `create` action on the `secret-folders` subject. */
export type Permission = 'read' | 'create' | 'edit' | 'delete' | 'createFolder'

export interface SecretRequest {
  /** The decoded `{secretName}` path segment ('' for the list route). */
  secretName: string
  query: Record<string, string>
  body: Record<string, unknown>
}

export type SecretHandler = (request: SecretRequest) => unknown

const HIDDEN = '<hidden-by-infisical>'
const TYPES = ['shared', 'personal']

/** z.string().transform(...) on secretValue: trimmed, but a trailing newline is kept. */
const trimValue = (value: string) => (value.at(-1) === '\n' ? `${value.trim()}\n` : value.trim())

export function secretRoutes(
  store: SecretStore,
  projectId: string,
  denied: () => ReadonlySet<Permission>,
): Record<string, SecretHandler> {
  /** After validation: the router's project-id check, then (returned) the service's project lookup. */
  const project = (workspaceId: string | undefined) => {
    if (!workspaceId) throw badRequest('You must provide projectSlug or workspaceId')
    return () => {
      if (workspaceId !== projectId) throw notFound(`Project with ${workspaceId} not found`)
    }
  }
  const allow = (permission: Permission) => {
    if (denied().has(permission)) throw permissionDenied(permission === 'read' ? 'describeSecret' : permission)
  }
  const folderOf = (env: string, path: string, operation: string): Folder => {
    const folder = store.folder(env, path)
    if (folder === undefined) {
      throw notFound(`Folder with path '${path}' in environment with slug '${env}' not found`, operation)
    }
    return folder
  }
  const shape = (env: string, secret: StoredSecret, shown: SecretVersion, value: string) => ({
    id: secret.id,
    _id: secret.id,
    workspace: projectId,
    environment: env,
    version: shown.version,
    type: 'shared',
    secretKey: shown.key,
    secretValue: value,
    secretComment: shown.comment,
    skipMultilineEncoding: secret.skipMultilineEncoding,
    createdAt: new Date(secret.createdAt).toISOString(),
    updatedAt: new Date(secret.updatedAt).toISOString(),
    isRotatedSecret: false,
  })
  /** Body fields the create, update and delete routes share. */
  const target = (fields: Fields) => ({
    workspaceId: fields.string('workspaceId'),
    env: fields.required('environment'),
    path: canonicalPath(fields.string('secretPath') ?? '/'),
    type: fields.oneOf('type', TYPES, 'shared'),
  })
  /** Tags are not modelled: any tag id is unknown, as Infisical answers for an unknown one. */
  const checkTags = (tagIds: string[] | undefined) => {
    if (tagIds !== undefined && tagIds.length > 0) throw notFound('Tag not found. Found ')
  }
  const validName = (fields: Fields, key: string, name: string) => {
    fields.check(name !== '', key, 'Too small: expected string to have >=1 characters')
    fields.check(!/[:/]/.test(name), key, 'Secret name cannot contain colon or forward slash.')
  }

  return {
    [ROUTES.list]: ({ query }) => {
      const fields = new Fields(query)
      const workspaceId = fields.string('workspaceId')
      const env = fields.string('environment')
      const path = canonicalPath(fields.string('secretPath') ?? '/')
      const view = fields.flag('viewSecretValue', true)
      const expand = fields.flag('expandSecretReferences', false)
      const recursive = fields.flag('recursive', false)
      fields.flag('include_imports', false)
      const tagSlugs = fields.string('tagSlugs')
      fields.done()
      const checkProject = project(workspaceId)
      if (!env) throw badRequest('Missing project id or environment')
      checkProject()
      allow('read')
      if (recursive && !store.hasEnvironment(env)) {
        throw notFound(`Environment with slug '${env}' in project with ID ${projectId} not found`)
      }
      const single = store.folder(env, path)
      const folders = recursive ? store.foldersUnder(env, path) : single ? [[path, single] as const] : []
      if (folders.length === 0) {
        throw notFound(
          `Folder with path '${path}' in environment '${env}' was not found. Please ensure the environment slug and secret path is correct.`,
          'SecretPathNotFound',
        )
      }
      // No secret carries tags here, so any tag filter matches nothing.
      const secrets = tagSlugs
        ? []
        : folders.flatMap(([folderPath, folder]) =>
            [...folder.values()].map((s) => ({
              ...shape(env, s, s, view ? (expand ? store.expand(env, folderPath, s) : s.value) : HIDDEN),
              secretPath: folderPath,
              secretValueHidden: !view,
              secretMetadata: [],
              tags: [],
            })),
          )
      return { secrets, imports: [] }
    },

    [ROUTES.get]: ({ secretName, query }) => {
      const name = secretName.trim()
      const fields = new Fields(query)
      const workspaceId = fields.string('workspaceId')
      const env = fields.string('environment')
      const path = canonicalPath(fields.string('secretPath') ?? '/')
      const version = fields.number('version')
      const type = fields.oneOf('type', TYPES, 'shared')
      const view = fields.flag('viewSecretValue', true)
      const expand = fields.flag('expandSecretReferences', false)
      fields.flag('include_imports', false)
      fields.done()
      const checkProject = project(workspaceId)
      if (!env) throw badRequest('Missing environment')
      checkProject()
      const folder = folderOf(env, path, 'GetSecretByName')
      allow('read')
      // Identities have no personal secrets; older versions are looked up by the key they had then.
      const candidates = type === 'personal' ? [] : [...folder.values()]
      const found = candidates
        .map((s) => [s, s.history.find((v) => v.key === name && v.version === (version ?? s.version))] as const)
        .find(([, v]) => v !== undefined)
      if (found === undefined) throw notFound(`Secret with name '${name}' not found`)
      const [secret, shown = secret] = found
      const value = !view ? HIDDEN : expand && shown.value ? store.expand(env, path, secret, shown.value) : shown.value
      return {
        secret: {
          ...shape(env, secret, shown, value),
          secretValueHidden: !view,
          secretPath: path,
          tags: [],
          secretMetadata: [],
        },
      }
    },

    [ROUTES.create]: ({ secretName, body }) => {
      const fields = new Fields(body)
      const name = secretName.trim()
      validName(fields, 'secretName', name)
      const { workspaceId, env, path, type } = target(fields)
      const value = trimValue(fields.required('secretValue', false))
      const comment = fields.string('secretComment') ?? ''
      const skipMultilineEncoding = fields.boolean('skipMultilineEncoding') ?? false
      const tagIds = fields.strings('tagIds')
      fields.done()
      project(workspaceId)()
      const folder = folderOf(env, path, 'CreateSecret')
      if (type === 'personal') throw badRequest('Must be user to create personal secret')
      if (folder.has(name)) throw badRequest('Secret already exists')
      checkTags(tagIds)
      allow('create')
      const secret = store.insert(folder, name, value, comment, skipMultilineEncoding)
      return { secret: shape(env, secret, secret, secret.value) }
    },

    [ROUTES.update]: ({ secretName, body }) => {
      const fields = new Fields(body)
      const name = secretName.trim()
      fields.check(name !== '', 'secretName', 'Too small: expected string to have >=1 characters')
      const { workspaceId, env, path, type } = target(fields)
      const raw = fields.string('secretValue', false)
      const value = raw === undefined ? undefined : trimValue(raw)
      const newName = fields.string('newSecretName')
      if (newName !== undefined) validName(fields, 'newSecretName', newName)
      const comment = fields.string('secretComment', false)
      const skipMultilineEncoding = fields.boolean('skipMultilineEncoding')
      const tagIds = fields.strings('tagIds')
      fields.done()
      project(workspaceId)()
      const folder = folderOf(env, path, 'UpdateSecret')
      if (type === 'personal') throw badRequest('Must be user to create personal secret')
      const secret = folder.get(name)
      if (secret === undefined) throw notFound(`Secret with name ${name} not found`)
      allow('edit')
      checkTags(tagIds)
      // Renaming onto any existing key fails, the secret's own name included.
      if (newName && folder.has(newName)) throw badRequest('Secret with the new name already exists')
      if (skipMultilineEncoding !== undefined) secret.skipMultilineEncoding = skipMultilineEncoding
      store.update(folder, secret, {
        ...(newName ? { key: newName } : {}),
        ...(value === undefined ? {} : { value }),
        ...(comment === undefined ? {} : { comment }),
      })
      // The answer carries the value sent, or '' when none was.
      return { secret: { ...shape(env, secret, secret, value ?? ''), secretValueHidden: false } }
    },

    [ROUTES.delete]: ({ secretName, body }) => {
      const fields = new Fields(body)
      fields.check(secretName !== '', 'secretName', 'Too small: expected string to have >=1 characters')
      const { workspaceId, env, path, type } = target(fields)
      fields.done()
      project(workspaceId)()
      const folder = folderOf(env, path, 'DeleteSecret')
      if (type === 'personal') throw badRequest('Must be user to delete personal secret')
      const secret = folder.get(secretName)
      if (secret === undefined) throw notFound('Secret not found')
      allow('delete')
      folder.delete(secretName)
      return { secret: { ...shape(env, secret, secret, secret.value), secretValueHidden: false } }
    },
  }
}
