// Compiles every ```ts block of the READMEs and of docs/*.md against the packages' sources, so the docs
// cannot drift.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
// Each README's blocks are written beside it, so imports resolve against that package's dependencies
// (one folder per document: docs/ holds several).
const outDir = (readme: string) =>
  join(dirname(readme), '.cache', 'readme-snippets', readme.endsWith('README.md') ? '' : basename(readme, '.md'))

function readmes(): string[] {
  const found = [join(root, 'README.md')]
  for (const entry of readdirSync(join(root, 'docs'))) {
    if (entry.endsWith('.md')) found.push(join(root, 'docs', entry))
  }
  for (const group of ['packages', 'examples']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      const file = join(root, group, entry.name, 'README.md')
      try {
        readFileSync(file)
        found.push(file)
      } catch {
        // a package without a README is caught by review, not here
      }
    }
  }
  return found
}

function snippets(file: string): string[] {
  const blocks: string[] = []
  const pattern = /```(?:ts|typescript)\n([\s\S]*?)```/g
  for (const match of readFileSync(file, 'utf8').matchAll(pattern)) blocks.push(match[1] as string)
  return blocks
}

describe('README code blocks', () => {
  it('compile against the current sources', () => {
    const files: string[] = []
    for (const readme of readmes()) {
      const out = outDir(readme)
      rmSync(out, { recursive: true, force: true })
      mkdirSync(out, { recursive: true })
      snippets(readme).forEach((code, i) => {
        const file = join(out, `block-${i + 1}.ts`)
        // `export {}` makes each block a module, so top-level await and local names stay local.
        writeFileSync(file, `${code}\nexport {}\n`)
        files.push(file)
      })
    }
    expect(files.length).toBeGreaterThanOrEqual(5)

    const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile)
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true, noUnusedLocals: false })
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || files.includes(d.file.fileName))
      .map((d) => {
        const where = d.file
          ? `${relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
          : ''
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
      })
    expect(problems).toEqual([])
  })
})
