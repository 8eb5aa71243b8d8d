// Lint rules for the whole repository (loaded through the root eslint.config.mjs). Syntax-only
// typescript-eslint (no type information), so a run takes seconds; `tsc --noEmit` checks types.
// Formatting is Prettier's (.prettierrc.json): no stylistic rules here.
import js from '@eslint/js';
import Module, { createRequire } from 'node:module';

// typescript-eslint and ts-api-utils `require('typescript')` for the compiler API, which the
// project's TypeScript 7 (native) does not ship. This package pins TypeScript 6 beside them;
// npm may hoist ts-api-utils next to the project's TypeScript, so the name is pointed at ours.
const typescript6 = createRequire(import.meta.url).resolve('typescript');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'typescript' ? typescript6 : resolveFilename.call(this, request, ...rest);
};
const { default: tseslint } = await import('typescript-eslint');

export default tseslint.config(
  {
    // What git ignores (build output, test artefacts) and what is not ours to lint.
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'tools/lint/node_modules/**',
      '.e2e/**',
      '.forge-cache/**',
      'test-results/**',
      'bench/results/**',
      'test/fixtures/**',
      'examples/**',
      // Written by `npm run generate:schema`; a test checks it is the schema's.
      '**/*.generated.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // A module imported twice (a value import beside a type import) is one import with `type` inline.
      'no-duplicate-imports': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // Scripts run by Node as CommonJS: the build, the icon drawing, the bench's memory probe.
    files: ['esbuild.js', 'media/**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setInterval: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Injected into the browser page by the webview tests.
    files: ['test/webview/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', sessionStorage: 'readonly' } },
  },
);
