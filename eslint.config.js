// Lint rules: the recommended sets, type-aware, over every TypeScript file of the project.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'infra/node_modules/', 'dist/', 'var/', '.tools/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'ecosystem.config.cjs'] },
      },
    },
    rules: {
      // `const { exp: _exp, ...rest } = claims` is how a claim is left out.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
    },
  },
  {
    // Parts talk through doors: outside app/, the app is reached through app/src/index.ts alone,
    // so a change inside it cannot silently break the stack, nginx or the Pulumi program.
    files: ['{settings,stack,nginx,infra,loadtest,ops,tools,docs,bench,testing}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'app/src/(?!index\\.ts$)',
              message: 'Use the app through its door, app/src/index.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // The settings part is the bottom floor: nginx's image copies it alone, so it imports no
    // other part of the project (its tests may use testing/).
    files: ['settings/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./',
              message: 'settings/ imports nothing outside itself: every part builds on it.',
            },
          ],
        },
      ],
    },
  },
  {
    // k6's type definitions declare option shapes as classes; scripts give plain objects.
    files: ['loadtest/k6/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-class-instance-assignment': 'off' },
  },
  {
    files: ['eslint.config.js', 'ecosystem.config.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // pm2 loads its ecosystem file with require(): CommonJS, with Node's globals.
    files: ['ecosystem.config.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
