import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', 'test/**/generated/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The core knows no transport and no database (ARCHITECTURE.md, convention 1).
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'hono',
            'hono/*',
            '@hono/*',
            'ws',
            'better-sqlite3',
            // Metrics and logs are the edge's: the core reports through core/observer.ts.
            'prom-client',
            'pino',
            '**/http/**',
            '**/ws/**',
            '**/sqlite/**',
            '**/metrics/**',
            '**/logging/**',
          ],
        },
      ],
    },
  },
  {
    // Transports depend on core and src/api, never on each other: gateway.ts composes them.
    files: ['src/ws/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/http/**', '../http', './http'], message: 'src/ws may import core and src/api, not src/http' },
            { group: ['prom-client', '**/metrics/**', '**/logging/**'], message: 'src/ws reports through ws/socket-observer.ts; gateway.ts wires metrics and logs' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/http/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/ws/**', '../ws', './ws'], message: 'src/http may import core and src/api, not src/ws' },
            { group: ['prom-client', '**/metrics/**', '**/logging/**'], message: 'src/http reports through http/request-observer.ts; gateway.ts wires metrics and logs' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/sse/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/http/**', '**/ws/**', '../http', '../ws'], message: 'src/sse may import core and src/api, not the other transports' },
            { group: ['prom-client', '**/metrics/**', '**/logging/**'], message: 'transports report through observers; gateway.ts wires metrics and logs' },
          ],
        },
      ],
    },
  },
  {
    // Shared by both transports, so it knows neither.
    files: ['src/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/http/**', '**/ws/**', '../http', '../ws'], message: 'src/api is shared by the transports and imports neither' }] },
      ],
    },
  },
);
