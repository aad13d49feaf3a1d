#!/usr/bin/env node
import { EXIT } from './exit-codes.js'
import { processIo } from './io.js'
import { main } from './main.js'

// The first Ctrl-C lets a running copy stop at a safe point and write its journal; a second one exits at once.
const controller = new AbortController()
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.interrupted)
  controller.abort()
})
process.exitCode = await main(process.argv.slice(2), processIo(controller.signal))
