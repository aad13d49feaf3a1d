/**
 * Secret Manager resource names and the gRPC errors the fake answers with.
 *
 * Global: `projects/{project}/secrets/{secret}[/versions/{version}]`.
 * Regional: `projects/{project}/locations/{location}/secrets/{secret}[/versions/{version}]`.
 */
import { grpc } from 'google-gax'

/** A gRPC status (`code`) with the text the client shows after it (`details`), and trailing metadata. */
export class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
    readonly metadata?: grpc.Metadata,
  ) {
    super(`${grpc.status[code]}: ${details}`)
  }
}

export const invalidArgument = (details: string) => new RpcError(grpc.status.INVALID_ARGUMENT, details)
export const notFound = (details: string) => new RpcError(grpc.status.NOT_FOUND, details)
export const failedPrecondition = (details: string) => new RpcError(grpc.status.FAILED_PRECONDITION, details)

/** Secret ids as Secret Manager documents them. */
export const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/
const PROJECT = /^[a-z0-9][a-z0-9.:-]*$/
const LOCATION = /^[a-z0-9-]+$/
/** A version id other than a number or `latest` is a version alias (which the fake does not model). */
const VERSION_ALIAS = /^[A-Za-z0-9_-]{1,63}$/

/** Where secrets live: a project, and a location for regional secrets. */
export interface SecretParent {
  project: string
  /** `undefined` for global secrets. */
  location: string | undefined
}

export interface SecretName extends SecretParent {
  secretId: string
}

/** A version id: a positive number, the `latest` alias, or an alias name (never found). */
export type VersionRef = { kind: 'number'; number: number } | { kind: 'latest' } | { kind: 'alias'; alias: string }

export interface VersionName extends SecretName {
  version: VersionRef
}

export function parseParent(parent: string | null | undefined): SecretParent {
  const parts = (parent ?? '').split('/')
  const [projects, project, locations, location] = parts
  if (projects === 'projects' && project !== undefined && PROJECT.test(project)) {
    if (parts.length === 2) return { project, location: undefined }
    if (parts.length === 4 && locations === 'locations' && location !== undefined && LOCATION.test(location)) {
      return { project, location }
    }
  }
  throw invalidArgument(
    `Invalid parent [${parent ?? ''}]: expected projects/{project} or projects/{project}/locations/{location}.`,
  )
}

export function parseSecretName(name: string | null | undefined): SecretName {
  const text = name ?? ''
  const cut = text.lastIndexOf('/secrets/')
  const secretId = cut < 0 ? '' : text.slice(cut + '/secrets/'.length)
  if (cut < 0 || !SECRET_ID.test(secretId)) {
    throw invalidArgument(`Invalid secret name [${text}]: expected ${secretPattern()}.`)
  }
  return { ...parseParent(text.slice(0, cut)), secretId }
}

export function parseVersionName(name: string | null | undefined): VersionName {
  const text = name ?? ''
  const cut = text.lastIndexOf('/versions/')
  if (cut < 0) throw invalidArgument(`Invalid secret version name [${text}]: expected ${secretPattern()}/versions/*.`)
  const id = text.slice(cut + '/versions/'.length)
  return { ...parseSecretName(text.slice(0, cut)), version: parseVersionId(id, text) }
}

function parseVersionId(id: string, name: string): VersionRef {
  if (/^\d{1,18}$/.test(id)) return { kind: 'number', number: Number(id) }
  if (id === 'latest') return { kind: 'latest' }
  if (VERSION_ALIAS.test(id)) return { kind: 'alias', alias: id }
  throw invalidArgument(`Invalid secret version id [${id}] in [${name}].`)
}

function secretPattern(): string {
  return 'projects/*/secrets/* or projects/*/locations/*/secrets/*'
}

export function formatParent({ project, location }: SecretParent): string {
  return location === undefined ? `projects/${project}` : `projects/${project}/locations/${location}`
}

export function formatSecretName(name: SecretName): string {
  return `${formatParent(name)}/secrets/${name.secretId}`
}

export function formatVersionName(secretName: string, version: number): string {
  return `${secretName}/versions/${version}`
}
