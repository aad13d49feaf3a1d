import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// One test project per package and example; each inherits the root config (aliases, timeouts).
const root = fileURLToPath(new URL('.', import.meta.url))
const dirs = ['packages', 'examples'].flatMap((group) =>
  readdirSync(new URL(`./${group}/`, import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${group}/${entry.name}`),
)

export default [
  ...dirs.map((dir) => ({
    extends: true as const,
    test: { name: dir.split('/')[1] as string, root: `${root}${dir}`, include: ['test/**/*.test.ts'] },
  })),
  { extends: true as const, test: { name: 'docs', root: `${root}docs`, include: ['*.test.ts'] } },
]
