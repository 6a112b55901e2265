/*
 * Runs tsc over test/tsconfig.json: the type-level tests in
 * types/public-surface.ts, the README examples and these tests themselves.
 * Vitest strips types without checking them, so without this a type
 * regression of the public surface would pass `npm test`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { CLIENT_DIR, TSC } from './support/paths.js';

const run = promisify(execFile);

it('the public surface, the examples and the tests type-check', async () => {
  const project = join(CLIENT_DIR, 'test', 'tsconfig.json');
  const result = await run(process.execPath, [TSC, '--noEmit', '-p', project]).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? 1,
      output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    }),
  );
  // Compare the output first so a failure shows tsc's messages.
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
}, 120_000);
