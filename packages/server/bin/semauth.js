#!/usr/bin/env node
// The CLI entry point. It only loads the compiled CLI so that `npx semauth`
// works from the repository root after `npm ci` (whose `prepare` step builds).
import { runCli } from '../dist/cli/main.js';

process.exitCode = await runCli(process.argv);
