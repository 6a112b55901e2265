// `npm run lint`, beside the strict type check: what tsc lets through, first
// of all promises nobody waits for — a floating promise loses its rejection
// (an unhandled rejection ends the process), and a promise handed to code that
// expects a plain callback is never awaited. The rules read types, so every
// file is linted within its own TypeScript project (tsconfig.tools.json for
// the scripts and configs outside the packages' projects).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '.tmp/**', 'coverage/**', 'bench/results/**'],
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        project: [
          './packages/server/tsconfig.json',
          './packages/server/test/tsconfig.json',
          './packages/client/tsconfig.json',
          './packages/client/test/tsconfig.json',
          './packages/web/tsconfig.json',
          './tsconfig.tools.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `return promise` inside try skips the catch and finally meant for it.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
    },
  },
);
