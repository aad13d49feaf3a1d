import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { checkCommand } from './commands/check.js'
import { copyCommand } from './commands/copy.js'
import { diffCommand } from './commands/diff.js'
import { getCommand } from './commands/get.js'
import { listCommand } from './commands/list.js'
import { rmCommand } from './commands/rm.js'
import { setCommand } from './commands/set.js'
import { loadConfig } from './config.js'
import { describeError, errorJson, exitCodeOf } from './errors.js'
import { EXIT, type ExitCode } from './exit-codes.js'
import { type CliIo, line, printJson } from './io.js'
import { withStores } from './stores.js'

export const VERSION = '0.1.0'

interface GlobalOptions {
  config?: string
  json?: boolean
}

const positiveInt = (value: string) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('a whole number from 1 to 64')
  return n
}

/**
 * Runs `secret-store` with `argv` (without the node and script paths) against `io`, and returns the
 * exit code. Never calls `process.exit`, so tests run it in-process.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok
  const program = new Command('secret-store')
    .description('Check, copy and diff secrets across backends. Values are printed only with get --reveal.')
    .version(VERSION)
    .option('-c, --config <file>', 'the config file (default: secret-store.config.{json,ts,mjs,js} here)')
    .option('--json', 'print one JSON document on stdout, for scripts')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run secret-store --help for usage)')

  const globals = () => program.opts<GlobalOptions>()
  const config = () => loadConfig(globals().config, io.cwd, io.env)
  const storeOption = () => new Option('-s, --store <name>', 'the store in the config (default: "defaultStore")')

  program
    .command('get')
    .description('say whether each secret exists; the value only with --reveal')
    .argument('<names...>')
    .addOption(storeOption())
    .option('--reveal', 'print the value (one name: alone on stdout; with --json: all of them)')
    .action(async (names: string[], opts: { store?: string; reveal?: boolean }) => {
      code = await withStores(await config(), [opts.store], (s) =>
        getCommand(io, s as never, names, { reveal: opts.reveal, json: globals().json }),
      )
    })

  program
    .command('list')
    .description('the names a store holds (never values)')
    .addOption(storeOption())
    .option('-p, --prefix <prefix>', 'only names that start with this (exact case)')
    .action(async (opts: { store?: string; prefix?: string }) => {
      code = await withStores(await config(), [opts.store], (s) =>
        listCommand(io, s as never, { ...opts, json: globals().json }),
      )
    })

  program
    .command('set')
    .description('write a secret; the value comes from stdin or --file, never from the command line')
    .argument('<name>')
    .addOption(storeOption())
    .option('-f, --file <path>', 'read the value from this file instead of stdin')
    .option('--keep-newline', 'keep a trailing newline (dropped by default)')
    .action(async (name: string, opts: { store?: string; file?: string; keepNewline?: boolean }) => {
      code = await withStores(await config(), [opts.store], (s) =>
        setCommand(io, s as never, name, { ...opts, json: globals().json }),
      )
    })

  program
    .command('rm')
    .description('remove secrets (recoverably where the backend can recover)')
    .argument('<names...>')
    .addOption(storeOption())
    .option('--purge', 'delete irreversibly (asks for confirmation)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (names: string[], opts: { store?: string; purge?: boolean; yes?: boolean }) => {
      code = await withStores(await config(), [opts.store], (s) =>
        rmCommand(io, s as never, names, { ...opts, json: globals().json }),
      )
    })

  program
    .command('copy')
    .description('copy secrets between stores: never overwrites a different value without --overwrite; resumable')
    .argument('[names...]', 'the names to copy (default: every name listed under --prefix)')
    .requiredOption('--from <store>', 'the source store')
    .requiredOption('--to <store>', 'the target store')
    .option('-p, --prefix <prefix>', 'copy the names that start with this')
    .option('-n, --dry-run', 'say what would be copied, write nothing')
    .option('--overwrite', 'replace target values that differ')
    .option('--concurrency <n>', 'writes in flight at once (1-64)', positiveInt, 8)
    .option('--journal <file>', 'the resume journal (default: .secret-store-copy-<hash>.journal here)')
    .option('--restart', 'ignore an earlier journal and start over')
    .action(
      async (
        names: string[],
        opts: {
          from: string
          to: string
          prefix?: string
          dryRun?: boolean
          overwrite?: boolean
          concurrency: number
          journal?: string
          restart?: boolean
        },
      ) => {
        const { from, to, ...rest } = opts
        code = await withStores(await config(), [from, to], (a, b) =>
          copyCommand(io, a as never, b as never, names, { ...rest, json: globals().json }),
        )
      },
    )

  program
    .command('diff')
    .description('names only in A, only in B, and differing (compared by keyed hash; no value printed)')
    .argument('<a>', 'a store')
    .argument('<b>', 'another store')
    .argument('[names...]', 'compare these names (default: every name listed under --prefix)')
    .option('-p, --prefix <prefix>', 'compare the names that start with this')
    .action(async (a: string, b: string, names: string[], opts: { prefix?: string }) => {
      code = await withStores(await config(), [a, b], (x, y) =>
        diffCommand(io, x as never, y as never, names, { ...opts, json: globals().json }),
      )
    })

  program
    .command('check')
    .description('probe connectivity, credentials and permissions for each operation the config enables')
    .argument('[store]', 'the store (default: "defaultStore")')
    .option('--write-probe', 'also write, read back and remove a throwaway canary name')
    .option('--name <name>', 'read this existing name instead of one that does not exist')
    .action(async (label: string | undefined, opts: { writeProbe?: boolean; name?: string }) => {
      code = await withStores(await config(), [label], (s) =>
        checkCommand(io, s as never, { ...opts, json: globals().json }),
      )
    })

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return code
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end "with an error" in commander's terms; they are successes here.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    const exit = exitCodeOf(err)
    if (globals().json) printJson(io, { error: errorJson(err) })
    else line(io.stderr, `secret-store: ${describeError(err)}`)
    return exit
  }
}
