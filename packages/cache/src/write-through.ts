/**
 * Write-through: a write that knows the exact new value of an entry (a counter it just updated,
 * a small set it just changed) stores it as it lands, so the next read on any instance is a hit
 * instead of a miss that reloads what the writer already had.
 *
 * Safe without the writer's value ever going stale: the writer reads the namespace clock before
 * its transaction commits (`clockBefore`), and `prime` stores the value only if none of the
 * entry's tags was invalidated after that reading. Any other write of the same data that could
 * race ours commits after our commit (the database serializes them), so its invalidation marks
 * a tick above our reading; then ours only invalidates, and the next read loads from the
 * database. The same tags are then invalidated in every other namespace (entries elsewhere
 * that carry them, e.g. a whole response cached with its facts' tags), which also drops L1
 * copies here and, by the bus, on other instances.
 */
import type { RemoteGuard } from './guard';
import { slotNamespaceOf } from './keys';
import { lifetimeOf } from './lifetime';
import { serialize } from './serializer';
import type { Store } from './stores/store';
import type { PrimeOptions } from './types';

export class WriteThrough {
  constructor(
    private readonly store: Store,
    private readonly guard: RemoteGuard | undefined,
    private readonly invalidationTimeoutMs: number,
    /** Marks outlive entries by this much: no entry may live longer (options.ts). */
    private readonly maxLifetimeMs: number,
    /**
     * Invalidates the tags in every namespace but the given one (resolves whether Redis got the
     * marks); absent for the memory store, whose marks are not per namespace.
     */
    private readonly elsewhere?: (
      tags: readonly string[],
      except: string,
      position: bigint | undefined,
    ) => Promise<boolean>,
    /** Replays the tags' invalidation before this process's next Redis read (prime not delivered). */
    private readonly deferLocally?: (tags: readonly string[], position: bigint | undefined) => void,
    /** Publishes the change on the bus; called only once every mark has landed. */
    private readonly announce?: (tags: readonly string[]) => Promise<void>,
  ) {}

  /** The clock to pass to `prime`; undefined when the store cannot be reached (do not prime). */
  async clockBefore(namespace: string): Promise<number | undefined> {
    const read = () => this.store.clock(namespace);
    try {
      return await (this.guard ? this.guard.run('read', read) : read());
    } catch {
      return undefined;
    }
  }

  /**
   * Invalidates the entry's tags and stores `value` for `key` unless a later write came first.
   * Resolves whether it was stored; rejects when the store could not be reached, like an
   * invalidation that was not delivered: this process replays it before its next Redis read,
   * and delivery to other instances is the caller's to retry (the API's outbox). It also
   * rejects when the marks landed but the bus message did not go out: other instances' L1
   * copies would outlive the write, so that too is undelivered.
   */
  async prime<T>(key: string, value: T, options: PrimeOptions<T>, since: number): Promise<boolean> {
    // No jitter or grace: the value is exact as of a committed write, and the next write of the
    // same data replaces it.
    const { freshUntil, expiresAt } = lifetimeOf(Date.now(), options.ttlMs, {
      jitter: 0,
      graceMs: 0,
      maxLifetimeMs: this.maxLifetimeMs,
    });
    const request = {
      namespace: slotNamespaceOf(key),
      key,
      payload: serialize(value),
      tags: [...new Set([...(options.tags ?? []), ...(options.tagsFromValue?.(value) ?? [])])],
      since,
      freshUntil,
      expiresAt,
      ...(options.position === undefined ? {} : { position: options.position }),
    };
    const send = () => this.store.prime(request);
    // Past the breaker, like every invalidation: this one carries a committed write. The other
    // namespaces are marked at the same time (no order matters between the marks): a write waits
    // for one timeout at most, not two. The bus hears of it only after both (see announce).
    const [stored, marked] = await Promise.allSettled([
      this.guard ? this.guard.deliver('invalidate', send, this.invalidationTimeoutMs) : send(),
      this.elsewhere
        ? this.elsewhere(request.tags, request.namespace, options.position)
        : Promise.resolve(true),
    ]);
    if (stored.status === 'rejected') {
      // This process must not read its own write's old value back: replay before its next read.
      this.deferLocally?.(request.tags, options.position);
      throw stored.reason;
    }
    if (marked.status === 'rejected' || !marked.value)
      throw new Error('write-through: the tags could not be invalidated in other namespaces');
    try {
      await this.announce?.(request.tags);
    } catch (error) {
      throw new Error('write-through: stored, but the bus message to other instances failed', {
        cause: error,
      });
    }
    return stored.value;
  }
}
