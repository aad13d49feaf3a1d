import { defineConfig } from 'tsup'
import base from '../../tsup.config.base.js'

// ESM only (commander is), with the binary as a second entry.
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/bin.ts'], format: ['esm'] })
