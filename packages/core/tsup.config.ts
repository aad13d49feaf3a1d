import { defineConfig } from 'tsup'
import base from '../../tsup.config.base.js'

// Two entries that share one copy of every class (errors are compared with instanceof): split chunks.
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/adapter.ts'], splitting: true })
