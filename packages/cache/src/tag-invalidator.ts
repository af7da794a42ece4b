/**
 * Getting invalidations into Redis, and keeping Redis's memory of them trustworthy.
 *
 * - `invalidate` marks tags in every namespace past the circuit breaker, with its own timeout.
 *   A bump that could not be delivered is kept and replayed before this process's next Redis
 *   read (so a writer never reads back data from before its own write); delivery to other
 *   instances is the caller's to retry (the API's outbox does, see packages/api).
 * - `beforeRead` is what must land before a read may trust Redis: that replay, the namespace's
 *   registration, and the origin rotation after a reconnect. It is undefined on the hot path.
 * - After a reconnect the server may be a promoted replica that never got our last writes (or a
 *   restarted, empty one): every namespace's origin moves forward, so nothing cached before
 *   can validate against counters that may have lost an invalidation.
 */
import type { BusMessage } from './bus';
import { DeferredInvalidations } from './deferred-invalidations';
import type { RemoteGuard } from './guard';
import type { LocalTier } from './local-tier';
import type { Metrics } from './metrics';
import type { EngineSettings } from './options';
import type { RedisStore } from './stores/redis-store';
import { NamespaceRegistry } from './tags';
import type { Strength } from './types';

export interface InvalidationOptions {
  strength: Strength;
  /** Where the write left the database, recorded with the marks (positions.ts). */
  position?: bigint | undefined;
  /** A namespace not to mark (a write-through marks its own itself). */
  except?: string;
  /** Publish nothing on the bus (the caller announces later). */
  silent?: boolean;
}

export class TagInvalidator {
  private readonly registry: NamespaceRegistry;
  private readonly deferred = new DeferredInvalidations();
  /** Set while origins must move before Redis is trusted again (after a reconnect). */
  private rotating: Promise<void> | undefined;
  private rotated = true;

  constructor(
    private readonly redis: RedisStore,
    private readonly guard: RemoteGuard,
    private readonly local: LocalTier,
    private readonly metrics: Metrics,
    private readonly settings: EngineSettings,
    private readonly origin: string,
  ) {
    this.registry = new NamespaceRegistry(redis, settings.namespaces);
  }

  /**
   * `except`: a namespace not to mark (a write-through marks its own namespace itself).
   * `silent`: publish nothing (the write-through announces once its own marks landed too).
   */
  async invalidate(tags: readonly string[], how: InvalidationOptions): Promise<boolean> {
    try {
      await this.guard.deliver('invalidate', () => this.send(tags, how), this.settings.invalidationTimeoutMs);
      return true;
    } catch (error) {
      this.deferred.add(tags, how.strength, how.position);
      this.settings.logger.warn(
        'cache: tag invalidation not delivered; replayed before the next redis read',
        {
          tags,
          error: error instanceof Error ? error.message : String(error),
        },
      );
      return false;
    }
  }

  /** A bus message announcing namespaces another instance registered. */
  learn(namespaces: readonly string[]): void {
    this.registry.learn(namespaces);
  }

  beforeRead(namespace: string): Promise<void> | undefined {
    const registering = this.registry.ensure(namespace, (message) => this.announce(message));
    if (!registering && this.deferred.size === 0 && this.rotated) return undefined;
    return (async () => {
      if (!this.rotated) await this.rotation();
      if (registering) await registering;
      if (this.deferred.size > 0) {
        await this.deferred.replay((tags, strength, position) => this.send(tags, { strength, position }));
      }
    })();
  }

  /** A read found no clock: Redis forgot this namespace, and with it the registry. */
  async clockCreated(namespace: string): Promise<void> {
    this.registry.forgetRegistrations();
    await this.registry.ensure(namespace, (message) => this.announce(message));
  }

  /**
   * Called when the command connection is ready again after it was lost. Until the rotation has
   * landed, every read waits for it (or fails to the loader): none may trust Redis before.
   */
  rotateAfterReconnect(): void {
    this.registry.forgetRegistrations();
    this.rotated = false;
    this.rotating = undefined;
    void this.rotation().catch(() => {});
  }

  private rotation(): Promise<void> {
    this.rotating ??= (async () => {
      const namespaces = this.registry.list;
      try {
        await this.redis.rotate(namespaces);
      } catch (error) {
        this.rotating = undefined; // the next read tries again
        throw error;
      }
      this.metrics.emit({ type: 'rotated', namespaces });
      this.rotated = true;
    })();
    return this.rotating;
  }

  private async send(tags: readonly string[], how: InvalidationOptions): Promise<void> {
    const message = JSON.stringify({
      o: this.origin,
      t: [...tags],
      s: how.strength === 'soft',
    } satisfies BusMessage);
    await this.registry.invalidate(tags, how, {
      ...(how.silent ? {} : { message }),
      ...(how.except === undefined ? {} : { except: how.except }),
    });
    // A read that began before the marks landed may have put the old value in L1 meanwhile
    // (and this instance ignores its own bus message): drop those copies again.
    this.local.drop(tags, []);
  }

  /**
   * Tells other instances these tags changed, once every mark (a write-through's own included)
   * has landed: a reader that hears it must find the new state in Redis, or it could start a
   * fresh flight that reads the old entry and hand it to readers that came after the write.
   */
  async announceChanged(tags: readonly string[]): Promise<void> {
    this.local.drop(tags, []);
    // Not swallowed: other instances' L1 would keep the old value while the write counted as
    // delivered. The caller reports it undelivered, and its outbox re-sends the invalidation.
    // Bounded like every invalidation: a PUBLISH sent just as Redis stopped (SIGSTOP) would
    // otherwise hold the mutation until Redis answers again.
    await this.guard.deliver(
      'invalidate',
      () => this.announce({ t: [...tags], s: false }),
      this.settings.invalidationTimeoutMs,
    );
  }

  /** An invalidation that could not be delivered: replayed before this process's next read. */
  defer(tags: readonly string[], position?: bigint): void {
    this.deferred.add(tags, 'hard', position);
  }

  private announce(message: Omit<BusMessage, 'o'>): Promise<void> {
    return this.redis.publish(JSON.stringify({ o: this.origin, ...message }));
  }
}
