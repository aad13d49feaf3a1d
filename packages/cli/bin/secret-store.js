#!/usr/bin/env node
// The `secret-store` binary: loads the built CLI. In a fresh checkout of the repository it is not built yet.
import('../dist/bin.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    console.error(
      'secret-store: the CLI is not built yet; run: bash scripts/pnpm.sh --filter "@secret-store/cli..." build',
    )
    process.exit(2)
  }
  throw error
})
