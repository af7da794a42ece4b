/**
 * Re-delivers invalidations left behind (outbox.ts): every instance runs one. The store locks the
 * records a pass takes, so relays side by side never deliver the same record at the same time,
 * and a record is deleted only after its delivery succeeded (and, with a CDN, its purge after it:
 * purge.ts).
 *
 * Worst case a committed write stays invisible to other instances (its writer died after the
 * commit, or could not reach the cache): minAgeMs + intervalMs + one pass.
 */
import type { Cache } from '@stash/cache';
import { deliver, type OutboxStore } from './outbox';
import { purgeShared, type SharedCachePurge } from './purge';

/** A record younger than this may still be in its writer's fast path: the relay leaves it alone. */
export const RELAY_MIN_AGE_MS = 1000;
export const RELAY_INTERVAL_MS = 1000;
const RELAY_BATCH = 200;

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(
    private readonly store: OutboxStore<never>,
    private readonly cache: Cache,
    private readonly log: (message: string, meta?: object) => void = (m, meta) => console.warn(m, meta ?? ''),
    /** A CDN purged after each delivery (purge.ts): the records stay until it confirmed too. */
    private readonly shared: { purge?: SharedCachePurge } = {},
  ) {}

  /**
   * One pass every `intervalMs` after the previous one ended (passes never overlap); a pass that
   * found a full batch is followed by the next at once, so a backlog drains without waiting.
   */
  start(intervalMs = RELAY_INTERVAL_MS): void {
    if (!this.stopped) return;
    this.stopped = false;
    const pass = () => {
      this.running = this.deliverPending()
        .catch((error: unknown) => {
          this.log('cache outbox: relay pass failed; retried next pass', { error: String(error) });
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
      void this.running.then((delivered) => {
        if (this.stopped) return;
        this.timer = setTimeout(pass, delivered >= RELAY_BATCH ? 0 : intervalMs);
        this.timer.unref();
      });
    };
    this.timer = setTimeout(pass, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: delivers records older than `minAgeMs`; returns how many were delivered. */
  async deliverPending(minAgeMs = RELAY_MIN_AGE_MS): Promise<number> {
    return this.store.drain({ minAgeMs, limit: RELAY_BATCH }, async (tags, delivery) => {
      if (!(await deliver(this.cache, tags, delivery))) return false; // kept for the next pass
      // After the engine's invalidation landed, never before; a failed purge keeps the records.
      if (this.shared.purge && !(await purgeShared(this.shared.purge, tags))) return false;
      // The tags in the line itself: one line per pass, greppable beside a request log.
      this.log(
        `cache outbox: relay delivered invalidations left behind: ${[...tags.hard, ...tags.soft].join(' ')}`,
      );
      return true;
    });
  }
}
