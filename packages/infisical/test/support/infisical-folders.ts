/**
 * `POST /api/v1/folders`, as Infisical's folder router and `createFolder` service answer it: the name is
 * checked (letters, digits, `-` and `_`), the identity needs `create` on `secret-folders`, the environment
 * must exist, and the call is idempotent: an existing folder is answered as it is, and missing parents of
 * `path` are created on the way.
 */
import { randomUUID } from 'node:crypto'
import { Fields, notFound, permissionDenied, ROUTES } from './infisical-http.js'
import type { Permission, SecretHandler } from './infisical-secrets.js'
import { canonicalPath, type SecretStore } from './infisical-store.js'

const FOLDER_NAME = /^[A-Za-z0-9_-]+$/

export function folderRoutes(
  store: SecretStore,
  projectId: string,
  denied: () => ReadonlySet<Permission>,
): Record<string, SecretHandler> {
  return {
    [ROUTES.createFolder]: ({ body }) => {
      const fields = new Fields(body)
      const workspaceId = fields.required('workspaceId')
      const env = fields.required('environment')
      const name = fields.required('name')
      fields.check(
        FOLDER_NAME.test(name),
        'name',
        'Invalid folder name. Only alphanumeric characters, dashes, and underscores are allowed.',
      )
      const parent = canonicalPath(fields.string('path') ?? fields.string('directory') ?? '/')
      fields.string('description', false)
      fields.done()
      if (workspaceId !== projectId) throw notFound(`Project with ${workspaceId} not found`)
      if (denied().has('createFolder')) throw permissionDenied('create', 'secret-folders')
      if (!store.hasEnvironment(env)) {
        throw notFound(`Environment with slug '${env}' in project with ID '${projectId}' not found`)
      }
      const path = canonicalPath(`${parent}/${name}`)
      store.mkdir(env, path)
      const now = new Date().toISOString()
      return { folder: { id: randomUUID(), name, envId: env, version: 1, createdAt: now, updatedAt: now, path } }
    },
  }
}
