/**
 * The Secret Manager v1 gRPC service definition, loaded from the `.proto` files that ship inside
 * `@google-cloud/secret-manager`, so a loopback server speaks exactly the wire format the client was
 * generated from.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { protos } from '@google-cloud/secret-manager'
import { GrpcClient, grpc } from 'google-gax'

export type ISecret = protos.google.cloud.secretmanager.v1.ISecret
export type ISecretVersion = protos.google.cloud.secretmanager.v1.ISecretVersion
export type IReplication = protos.google.cloud.secretmanager.v1.IReplication
export type IReplicationStatus = protos.google.cloud.secretmanager.v1.IReplicationStatus
export type ITimestamp = protos.google.protobuf.ITimestamp

/** Every RPC of `google.cloud.secretmanager.v1.SecretManagerService` in the SDK's protos. */
export const SERVICE_METHODS = [
  'ListSecrets',
  'CreateSecret',
  'AddSecretVersion',
  'GetSecret',
  'UpdateSecret',
  'DeleteSecret',
  'ListSecretVersions',
  'GetSecretVersion',
  'AccessSecretVersion',
  'DisableSecretVersion',
  'EnableSecretVersion',
  'DestroySecretVersion',
  'SetIamPolicy',
  'GetIamPolicy',
  'TestIamPermissions',
  'EnableManagedRotation',
  'RotateSecret',
] as const

export type SecretManagerMethod = (typeof SERVICE_METHODS)[number]

const SERVICE_PATH = ['google', 'cloud', 'secretmanager', 'v1', 'SecretManagerService']
const SERVICE_PROTO = 'google/cloud/secretmanager/v1/service.proto'

let definition: grpc.ServiceDefinition | undefined

/**
 * The service definition for `grpc.Server#addService`. Requests arrive decoded the way google-gax
 * decodes them (camelCase fields, int64 as strings, enums as names, unset messages as `null`, a set
 * proto3 `optional` field as a present key), and responses may use the same shapes.
 */
export function secretManagerServiceDefinition(): grpc.ServiceDefinition {
  definition ??= loadDefinition()
  return definition
}

function loadDefinition(): grpc.ServiceDefinition {
  // Resolved from this package, which depends on the SDK; the SDK's own imports
  // (google/api, google/iam, ...) come from google-gax's protos, which loadProto adds to the path.
  const require = createRequire(import.meta.url)
  const protosDir = join(dirname(require.resolve('@google-cloud/secret-manager/package.json')), 'build', 'protos')
  const root = new GrpcClient({ grpc }).loadProto(protosDir, SERVICE_PROTO)
  const service = SERVICE_PATH.reduce<unknown>(
    (node, key) => (node as Record<string, unknown> | undefined)?.[key],
    root,
  )
  const loaded = (service as Partial<grpc.ServiceClientConstructor> | undefined)?.service
  if (loaded === undefined) throw new Error(`${SERVICE_PATH.join('.')} not found in ${join(protosDir, SERVICE_PROTO)}`)
  return loaded
}
