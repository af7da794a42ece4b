/**
 * Password hashing. bcryptjs is pure JS (no native build on install) and runs on the event
 * loop: its async API works in slices of up to ~100 ms and yields between them. Many hashes at
 * once would still hold every other request behind all of them, so at most HASH_CONCURRENCY
 * run at a time and at most HASH_QUEUE wait; past that, sign-in answers TOO_MANY_REQUESTS at
 * once instead of queueing work. Another request therefore waits for at most one slice.
 */
import { TRPCError } from '@trpc/server';
import bcrypt from 'bcryptjs';

const HASH_CONCURRENCY = 1;
const HASH_QUEUE = 8;

let running = 0;
const waiting: Array<() => void> = [];

/** Runs `work` in a hash slot (exported so a test can hold the slot while it checks the queue). */
export async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) {
    if (waiting.length >= HASH_QUEUE) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: 'Too many sign-ins at this moment. Try again in a few seconds.',
      });
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter (running stays the same), or free it.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** Hashes running and waiting now: what a test waits on instead of racing bcrypt against a read. */
export function hashLoad(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return withHashSlot(() => bcrypt.compare(password, hash));
}

export function hashPassword(password: string): Promise<string> {
  return withHashSlot(() => bcrypt.hash(password, 10));
}
