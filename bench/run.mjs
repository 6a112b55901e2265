#!/usr/bin/env node
// `npm run bench`: the benchmark suite (see bench/README.md). Runs real
// `semauth server` processes on loopback (after `npm run build`), prints a
// table, writes bench/results/latest.json (latest-postgres.json with
// --dialect postgres) and ends with one summary line.
//
//   node bench/run.mjs [--dialect sqlite|postgres] [--quick] [--threads N] [--out FILE]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summaryLine, table } from './lib/report.mjs';
import { DialectUnavailable } from './lib/databases.mjs';
import { FIGURE_KEYS, FULL, QUICK, runSuite, withThreads } from './lib/suite.mjs';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite' },
    quick: { type: 'boolean', default: false },
    threads: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
// Each dialect keeps its own latest figures.
args.out ??= fileURLToPath(new URL(args.dialect === 'postgres' ? './results/latest-postgres.json' : './results/latest.json', import.meta.url));
if (args.help) {
  console.log('usage: node bench/run.mjs [--dialect sqlite|postgres] [--quick] [--threads N] [--out FILE]');
  console.log('  --quick      tiny settings: checks that everything runs, measures nothing');
  console.log('  --threads N  password hashes the server computes at once (default: its own default)');
  process.exit(0);
}
if (!existsSync(fileURLToPath(new URL('../packages/server/dist/cli/main.js', import.meta.url)))) {
  console.error('bench: the server is not built; run `npm run build` first');
  process.exit(2);
}

const log = (line) => console.log(line);
let report;
try {
  let settings = args.quick ? QUICK : FULL;
  if (args.threads !== undefined) {
    const n = Number(args.threads);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--threads must be a positive integer, got ${args.threads}`);
    settings = withThreads(settings, n);
  }
  report = await runSuite({ dialect: args.dialect, settings, log });
} catch (e) {
  if (!(e instanceof DialectUnavailable)) throw e;
  console.log(`bench: the ${args.dialect} dialect is unavailable here: ${e.message}`);
  console.log(`bench: 0/${FIGURE_KEYS.length} targets met`);
  process.exit(2);
}
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
console.log('');
console.log(table(report));
console.log(`results written to ${args.out}`);
console.log(summaryLine(report));
