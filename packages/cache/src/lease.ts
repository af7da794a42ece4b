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
