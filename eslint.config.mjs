// One lint for the whole tree (site, server, tests). Formatting is Prettier's job; layering is dependency-cruiser's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['build/', '.docusaurus/', 'node_modules/', 'test-results/', 'playwright-report/', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js,cjs}'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
    },
    rules: {
      // unused bindings are noise; a leading underscore marks the ones kept on purpose (callback signatures)
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'},
      ],
      'no-control-regex': 'off', // terminal code matches escape sequences on purpose
      eqeqeq: ['error', 'always', {null: 'ignore'}],
      'prefer-const': 'error',
    },
  },
  {
    files: ['**/*.{mjs,cjs,js}', 'server/backends/sandbox/commands/bin/*'],
    languageOptions: {globals: globals.node},
  },
);
