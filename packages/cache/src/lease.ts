/**
 * Cross-process stampede protection. The filler takes a short lease (`SET key token NX PX ms`);
 * only the token owner releases it (Lua compare-and-delete, or atomically with the write).
 * Other processes poll with backoff: they pick up the value as soon as it lands, and if the lease
 * disappears without a value (owner crashed, or its write was refused) one of them takes over.
 */
import { randomUUID } from 'node:crypto';
import { sleep } from './timeout';

export function newLeaseToken(): string {
  return randomUUID();
}

export type LeasePoll<R> = { kind: 'value'; result: R } | { kind: 'free' } | { kind: 'held' };

/** Polls until a value lands or the lease is free; 'timeout' after maxWaitMs. */
export async function waitOnLease<R>(
  poll: () => Promise<LeasePoll<R>>,
  maxWaitMs: number,
): Promise<LeasePoll<R> | { kind: 'timeout' }> {
  const deadline = Date.now() + maxWaitMs;
  let delay = 5;
  while (Date.now() < deadline) {
    await sleep(delay);
    delay = Math.min(delay * 2, 100);
    const outcome = await poll();
    if (outcome.kind !== 'held') return outcome;
  }
  return { kind: 'timeout' };
}
