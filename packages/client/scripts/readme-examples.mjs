// Keeps the README's code blocks identical to the files in examples/.
// Each block is announced by a marker line `<!-- example: examples/x.ts -->`
// followed by a ```ts fence (```js for an .mjs file). `node scripts/readme-examples.mjs`
// rewrites the blocks from the files; test/readme-examples.test.ts fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const README = join(CLIENT_DIR, 'README.md');

const BLOCK = /<!-- example: (\S+) -->\n```(?:ts|js)\n([\s\S]*?)```\n/g;

/** The fence language of an example file. */
export function fenceOf(file) {
  return file.endsWith('.mjs') ? 'js' : 'ts';
}

/** Every marked block: the file it names and the code it shows. */
export function readmeBlocks(markdown) {
  return [...markdown.matchAll(BLOCK)].map((m) => ({ file: m[1], code: m[2] }));
}

/** The README with each marked block replaced by its file's content. */
export function syncedReadme(markdown) {
  return markdown.replace(BLOCK, (_, file) => {
    const code = readFileSync(join(CLIENT_DIR, file), 'utf8');
    return `<!-- example: ${file} -->\n\`\`\`${fenceOf(file)}\n${code.endsWith('\n') ? code : `${code}\n`}\`\`\`\n`;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README, syncedReadme(readFileSync(README, 'utf8')));
  console.log(`synced ${readmeBlocks(readFileSync(README, 'utf8')).length} example blocks in README.md`);
}
