/**
 * Response messages built from the fake's stored secrets, in the shapes the SDK's protos define.
 */
import type { Replication, StoredSecret, StoredVersion } from './secret-manager-model.js'
import { formatVersionName } from './secret-manager-names.js'
import type { IReplication, IReplicationStatus, ISecret, ISecretVersion, ITimestamp } from './secret-manager-service.js'

/** A Secret message for `secret`. */
export const secretMessage = (secret: StoredSecret): ISecret => ({
  name: secret.name,
  ...(secret.replication.kind === 'regional' ? {} : { replication: replicationMessage(secret.replication) }),
  createTime: timestamp(secret.createTime),
  labels: secret.labels,
  annotations: secret.annotations,
  etag: secret.etag,
})

/** A SecretVersion message (metadata only, never the payload). */
export const versionMessage = (secret: StoredSecret, version: StoredVersion): ISecretVersion => ({
  name: formatVersionName(secret.name, version.number),
  createTime: timestamp(version.createTime),
  ...(version.destroyTime === undefined ? {} : { destroyTime: timestamp(version.destroyTime) }),
  state: version.state,
  ...(secret.replication.kind === 'regional'
    ? {}
    : { replicationStatus: replicationStatusMessage(secret.replication) }),
  etag: version.etag,
  clientSpecifiedPayloadChecksum: version.clientChecksum,
})

function replicationMessage(replication: Replication): IReplication {
  return replication.kind === 'user-managed'
    ? { userManaged: { replicas: replication.locations.map((location) => ({ location })) } }
    : { automatic: {} }
}

/** Where the version's data is replicated: the same shape as the policy, in its own message type. */
function replicationStatusMessage(replication: Replication): IReplicationStatus {
  return replication.kind === 'user-managed'
    ? { userManaged: { replicas: replication.locations.map((location) => ({ location })) } }
    : { automatic: {} }
}

function timestamp(date: Date): ITimestamp {
  const ms = date.getTime()
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 }
}
