/** Default lifetimes per area; the engine adds up to 10 % jitter per entry (docs/architecture.md). */
import type { Duration } from '@stash/trpc-cache';

export const TTL = {
  marketplace: '5m',
  templates: '10m',
  workspaces: '1m',
} as const satisfies Record<string, Duration>;
