// Lint rules, including the architecture's boundaries (DESIGN.md section 3):
// - a module reaches another only through its index.ts;
// - platform/ never imports a domain module;
// - only repositories (and db/) touch Kysely or the driver;
// - routes and pages never touch repositories.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const otherModuleInternals = {
  regex: '^\\.\\./(?!\\.)[^/]+/(?!index\\.ts$).+',
  message: 'Reach another module only through its index.ts.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'public/build/', 'data/', 'test-results/', '.tmp/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/modules/*/**/*.{ts,tsx}'],
    ignores: [
      'src/modules/*/**/*.repository.ts',
      'src/modules/*/**/*.table.ts',
      'src/modules/*/**/*.test.ts',
      'src/modules/*/**/*.test.tsx',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'kysely', message: 'Only repositories touch Kysely.', allowTypeImports: true },
            { name: 'pg', message: 'Only db/ touches the driver.', allowTypeImports: true },
          ],
          patterns: [otherModuleInternals],
        },
      ],
    },
  },
  {
    files: ['src/modules/*/**/*.repository.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [otherModuleInternals] }],
    },
  },
  {
    files: ['src/modules/*/**/*.routes.ts', 'src/modules/*/**/*.pages.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kysely',
              message: 'Routes and pages call services, never SQL.',
              allowTypeImports: true,
            },
          ],
          patterns: [
            otherModuleInternals,
            {
              regex: '\\.repository(\\.ts)?$',
              message: 'Routes and pages call services, never repositories.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/platform/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)modules/',
              message: 'platform/ has no domain knowledge: never import a module.',
            },
          ],
        },
      ],
    },
  },
);
