export type {
  BrownfieldName,
  ContractBackdoor,
  ContractSuiteOptions,
  FaultInjector,
  FaultTargets,
} from './contract/index.js'
export { registerContractSuite } from './contract/index.js'
export type {
  Fault,
  FaultProxy,
  FaultProxyOptions,
  InjectOptions,
  ProxiedRequest,
  RequestStats,
} from './fault-proxy.js'
export { startFaultProxy } from './fault-proxy.js'
export type { LeakFinding } from './leak-detector.js'
export { LeakDetector } from './leak-detector.js'
export type { LocalBackend, LocalBackendFailure, LocalBackendOptions } from './local-backend.js'
export { freeLoopbackPort, LocalBackendError, startLocalBackend } from './local-backend.js'
export type { MemoryBackend } from './memory-backend.js'
export { memoryBackend } from './memory-backend.js'
export type { RandomNamesOptions, TenantIsolationOptions, TenantIsolationReport } from './names.js'
export {
  ALPHANUMERIC,
  ANY_STRING_NAMES,
  acceptedName,
  checkTenantIsolation,
  expectTenantIsolation,
  randomNames,
} from './names.js'
export type { LoggedLine } from './recording-logger.js'
export { recordingLogger } from './recording-logger.js'
export { rejectionOf, secretStoreRejection } from './rejections.js'
export { captureSpans } from './spans.js'
export { TEST_CERTIFICATE } from './test-certificate.js'
