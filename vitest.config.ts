import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.js'

// Tests run against the sources, so every package shares one copy of core's classes and nothing
// needs building first: `@secret-store/<dir>` resolves to `packages/<dir>/src/index.ts`.
const packagesDir = new URL('./packages/', import.meta.url)
const alias = Object.fromEntries(
  readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => [`@secret-store/${entry.name}`, fileURLToPath(new URL(`${entry.name}/src/index.ts`, packagesDir))]),
)

export default defineConfig({
  resolve: { alias },
  test: {
    projects,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
