/**
 * Positions: where a write left its database (for PostgreSQL, the WAL position read on the
 * primary right after the commit). The engine does not know what a position means, only that
 * positions are unsigned 64-bit numbers that grow with every write, so "the newest" is the max.
 *
 * In Redis they are stored as 16 lower-case hex digits: fixed width, so Lua compares them in two
 * 32-bit halves (its numbers are doubles: a 64-bit value would lose its low bits), and a reader
 * never needs more than `BigInt('0x' + s)`.
 */

const MAX = (1n << 64n) - 1n;

/** The 16-hex-digit form stored in Redis; throws on a value no position can have. */
export function encodePosition(position: bigint): string {
  if (position < 0n || position > MAX)
    throw new RangeError(`a position is an unsigned 64-bit number, got ${position}`);
  return position.toString(16).padStart(16, '0');
}

/** 0n for a missing or unreadable value: "no write recorded a position" is the same as none. */
export function decodePosition(stored: string | null | undefined): bigint {
  if (!stored || !/^[0-9a-f]{16}$/.test(stored)) return 0n;
  return BigInt(`0x${stored}`);
}

/** The newest of several stored positions (0n when none). */
export function newestPosition(stored: ReadonlyArray<string | null | undefined>): bigint {
  let newest = 0n;
  for (const value of stored) {
    const position = decodePosition(value);
    if (position > newest) newest = position;
  }
  return newest;
}
