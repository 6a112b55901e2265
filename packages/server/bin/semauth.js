#!/usr/bin/env node
// The `semauth` command. It only loads the compiled CLI (dist/), which is
// built by `npm ci` in a clone (the `prepare` step) and shipped built in the
// published package.
import { runCli } from '../dist/cli/main.js';

process.exitCode = await runCli(process.argv);
