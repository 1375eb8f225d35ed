// ESLint flat config: typescript-eslint recommended + the house rule that the pure core
// (machines, rules) imports no Node API, no database and no clock.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeModules = [
  'fs',
  'node:fs',
  'net',
  'node:net',
  'child_process',
  'node:child_process',
  'pg',
  'typeorm',
  'express',
  'http',
  'node:http',
  'vm',
  'node:vm',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'bin/**', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['src/machines/**/*.ts', 'src/rules/**/*.ts'],

    rules: {
      'no-restricted-imports': [
        'error',
        { paths: nodeModules.map((name) => ({ name, message: 'The pure core does no I/O.' })) },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time enters as data (an injectable clock).' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time enters as data.',
        },
      ],
    },
  },
  {
    // The vocabulary is bundled as-is by the browser console and read by the pure core: data only.
    files: ['src/vocabulary/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['*'], message: 'The vocabulary imports nothing.' }] },
      ],
    },
  },
  {
    // SQL lives in persistence (named query functions), never in the HTTP layer.
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Literal', 'TemplateElement'].map((node) => ({
          selector: `${node}[${node === 'Literal' ? 'value' : 'value.raw'}=/^\\s*(SELECT|INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|WITH)\\s/]`,
          message: 'SQL belongs in src/persistence: call a named query function.',
        })),
        {
          selector: "MemberExpression[object.property.name='dataSource'][property.name='query']",
          message: 'SQL belongs in src/persistence: call a named query function.',
        },
      ],
    },
  },
);
