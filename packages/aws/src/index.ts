export { BATCH_GET_MAX_IDS, DEFAULT_RECOVERY_WINDOW_IN_DAYS } from './answers.js'
export { AWSSecretStore } from './aws-secret-store.js'
export { AWS_SECRET_NAME_MAX_LENGTH, awsSecretId, isSecretArn } from './names.js'
export type { AWSClientOptions, AWSSecretStoreOptions, AWSSecretStoreSettings } from './types.js'
