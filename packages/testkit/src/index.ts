export type { BrownfieldName, ContractBackdoor, ContractStoreOptions, ContractSuiteOptions } from './contract-suite.js'
export { registerContractSuite } from './contract-suite.js'
export type { LeakFinding } from './leak-detector.js'
export { LeakDetector } from './leak-detector.js'
export type { LocalBackend, LocalBackendFailure, LocalBackendOptions } from './local-backend.js'
export { freeLoopbackPort, LocalBackendError, startLocalBackend } from './local-backend.js'
export type { RandomNamesOptions, TenantIsolationOptions, TenantIsolationReport } from './names.js'
export {
  ALPHANUMERIC,
  ANY_STRING_NAMES,
  acceptedName,
  checkTenantIsolation,
  expectTenantIsolation,
  randomNames,
} from './names.js'
export { rejectionOf, secretStoreRejection } from './rejections.js'
export { captureSpans } from './spans.js'
