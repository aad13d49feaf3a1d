import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.js'

// Tests run against the sources, so every package shares one copy of core's classes and nothing
// needs building first: `@secret-store/<dir>` resolves to `packages/<dir>/src/index.ts`.
const packagesDir = new URL('./packages/', import.meta.url)
// Exact matches only, so that `@secret-store/core/adapter` is not read as a path below `src/index.ts`.
const alias = [
  { find: /^@secret-store\/core\/adapter$/, replacement: fileURLToPath(new URL('core/src/adapter.ts', packagesDir)) },
  ...readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({
      find: new RegExp(`^@secret-store/${entry.name}$`),
      replacement: fileURLToPath(new URL(`${entry.name}/src/index.ts`, packagesDir)),
    })),
]

export default defineConfig({
  resolve: { alias },
  test: {
    projects,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
