import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real PostgreSQL and PGlite (WASM boot ~1 s): generous limits, each file owns its database.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
