import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file makes its own database and cache prefix; two at a time suits a 2-core machine.
    maxWorkers: 2,
    // UI and background refreshes settle in ms, but a loaded 2-core CI box can take a second or more.
    expect: { poll: { timeout: 5_000 } },
  },
});
