import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript sources; Next compiles them with the app.
  transpilePackages: ['@stash/api', '@stash/cache', '@stash/db', '@stash/tag-sync'],
  // Native, wasm or dynamically-required server deps: loaded by Node at run time, never bundled.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@electric-sql/pglite-socket',
    'pg',
    'ioredis',
    '@prisma/client',
    '@prisma/adapter-pg',
    'prom-client',
  ],
  // `pnpm typecheck` checks types; the demo skips the (30 s) repeat inside `next build`.
  typescript: { ignoreBuildErrors: process.env.STASH_SKIP_BUILD_TYPECHECK === '1' },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
