import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // A production build of the app may be needed first (1-2 minutes on 2 cores).
    hookTimeout: 600_000,
    testTimeout: 60_000,
    fileParallelism: false,
    // UI and background refreshes settle in ms, but a loaded 2-core CI box can take a second or more.
    expect: { poll: { timeout: 5_000 } },
  },
});
