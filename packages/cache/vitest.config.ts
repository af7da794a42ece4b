import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests spawn redis-server processes on spare ports and share the machine's 2 cores.
    fileParallelism: false,
  },
});
