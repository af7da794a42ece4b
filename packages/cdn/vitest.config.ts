import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // varnish.test.ts starts a varnishd (it compiles the VCL with a C compiler: seconds on a busy box).
    hookTimeout: 60_000,
  },
});
