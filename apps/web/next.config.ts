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
  // Pages refuse to be framed by another site (clickjacking): CSP for current browsers,
  // X-Frame-Options for old ones. Not the API: its JSON has nothing to click, and every header
  // rule is work on each stored hit.
  async headers() {
    return [
      {
        source: '/((?!api/).*)',
        headers: [
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ];
  },
  reactStrictMode: true,
};

export default config;
