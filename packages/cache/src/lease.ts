/**
 * Cross-process stampede protection. The filler takes a short lease (`SET key token NX PX ms`),
 * renews it while its loader runs, and only the token owner releases it (Lua compare-and-delete,
 * or atomically with the write). Other processes poll with backoff (read-path.ts): they pick up
 * the value as soon as it lands, and if the lease disappears without a value (owner crashed, or
 * its write was refused) one of them takes over.
 */
import { randomUUID } from 'node:crypto';

/** Unique across processes (a random id per process) and within one (a counter): every miss
 * and every write needs one, and a counter is cheaper than a random UUID each time. Tokens are
 * not secrets: they only keep one process from releasing another's lease. */
const processId = randomUUID();
let issued = 0;

export function newLeaseToken(): string {
  issued++;
  return `${processId}:${issued.toString(36)}`;
}

/** What a lease needs from the store, each call already behind the guard. */
export interface LeaseStore {
  acquire(token: string, ttlMs: number): Promise<boolean>;
  renew(token: string, ttlMs: number): Promise<unknown>;
  release(token: string): Promise<unknown>;
}

/**
 * One fill's lease on one key: offered to the read (which may take it in the same round trip),
 * taken by `SET NX` otherwise, kept alive while the loader runs and given back once. The write
 * that stores the value releases it atomically (it carries `token`); `release()` covers every
 * other way out, and is harmless after that (compare-and-delete on the token).
 */
export class FillLease {
  readonly token = newLeaseToken();
  private released = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly ttlMs: number,
  ) {}

  /** `SET NX`: whether this fill holds the lease now. */
  acquire(): Promise<boolean> {
    return this.store.acquire(this.token, this.ttlMs);
  }

  /** Runs `work` while renewing the lease every third of its lifetime, so nobody loads twice. */
  async keptDuring<R>(work: () => Promise<R>): Promise<R> {
    const timer = setInterval(() => {
      void this.store.renew(this.token, this.ttlMs).catch(() => {});
    }, this.ttlMs / 3);
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /** Best effort and at most once: a lease nobody gives back only expires after `ttlMs`. */
  release(): void {
    if (this.released) return;
    this.released = true;
    void this.store.release(this.token).catch(() => {});
  }
}
