import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file makes its own database and cache prefix; two at a time suits a 2-core machine.
    maxWorkers: 2,
  },
});
