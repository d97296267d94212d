// Lint rules, including the one-way import boundaries between layers (as VS Code's
// code-layering rule does): shared imports nothing of ours; the engine imports only shared;
// the renderer never imports tfjs, electron or Node.
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

const node = ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'crypto', 'url', 'util', 'worker_threads'];
const restrict = (patterns, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'experiments/**', 'kernels/**/build/**', '**/*.wasm'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**'],
    rules: restrict(['**/electron/**', '**/renderer/**', 'electron', 'vue', 'pinia', 'echarts', 'echarts/*', '@tensorflow/*', ...node], 'shared/ imports nothing of ours and no platform APIs: only zod and other shared/ files.'),
  },
  {
    files: ['electron/engine/**'],
    rules: restrict(
      ['electron', 'vue', 'pinia', 'echarts', 'echarts/*', '**/renderer/**', '**/main/**', '**/host/**', '**/server/**', '**/cli/**', '**/job/**', '**/preload/**'],
      'The engine is plain Node + tfjs: it imports only shared/ and other engine files (never electron, vue or the host).',
    ),
  },
  {
    files: ['electron/host/**', 'electron/server/**', 'electron/cli/**', 'electron/job/**'],
    rules: restrict(['electron', '**/main/**', '**/renderer/**', 'vue', 'pinia'], 'Only electron/main may import electron; the host, server, CLI and job process run in plain Node.'),
  },
  {
    files: ['electron/preload/**'],
    rules: restrict(['**/engine/**', '**/host/**', '**/renderer/**', 'zod', '@tensorflow/*', ...node], 'The sandboxed preload imports only electron and shared/ipc/channelNames.'),
  },
  {
    files: ['renderer/**'],
    rules: restrict(['@tensorflow/*', 'electron', '**/electron/**', ...node], 'The renderer talks to the engine only through the IPC contract (renderer/src/api); it never imports tfjs, electron or Node.'),
  },
);
