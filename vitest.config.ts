import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.js'

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    // Tests run against the sources, so every package shares one copy of core's classes.
    alias: {
      '@secret-store/core': src('core'),
      '@secret-store/testkit': src('testkit'),
    },
  },
  test: {
    projects,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
