import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const alias = { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) };

export default defineConfig({
  test: {
    // Two cores: files run two at a time at most.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        resolve: { alias },
        test: { name: 'node', environment: 'node', include: ['test/**/*.test.ts'], exclude: ['test/renderer/**'] },
      },
      {
        plugins: [vue()],
        extends: true,
        resolve: { alias },
        test: { name: 'renderer', environment: 'happy-dom', include: ['test/renderer/**/*.test.ts'] },
      },
    ],
  },
});
