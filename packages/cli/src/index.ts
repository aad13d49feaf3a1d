// The `secret-store` command, for programs: `main(argv, io)` runs it and returns the exit code.
export type { AdapterStoreEntry, CliConfig, DotenvStoreEntry, EnvReference, StoreEntry } from './config.js'
export { defineConfig } from './config.js'
export { DotenvSecretStore } from './dotenv-store.js'
export { CliError, EXIT, type ExitCode } from './exit-codes.js'
export type { CliIo, OutputStream } from './io.js'
export { processIo } from './io.js'
export { main, VERSION } from './main.js'
