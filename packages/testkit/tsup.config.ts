import { defineConfig } from 'tsup'
import base from '../../tsup.config.base.js'

// ESM only: the suite runs inside vitest, which is ESM only itself.
export default defineConfig({ ...base, format: ['esm'] })
