/**
 * One serializer for every tier: L1, the memory store and Redis all hold the same superjson
 * string, so a value read from any tier comes back identical (Dates, Maps, Sets, BigInt,
 * undefined fields) and no caller can mutate a cached copy.
 */
import superjson from 'superjson';

export function serialize(value: unknown): string {
  return superjson.stringify(value);
}

export function deserialize<T>(payload: string): T {
  return superjson.parse<T>(payload);
}

/** Approximate in-memory size: UTF-16 code units are 2 bytes each. Cheap (O(1) per string). */
export function approximateBytes(payload: string, tags: readonly string[]): number {
  let bytes = payload.length * 2 + 64;
  for (const tag of tags) bytes += tag.length * 2 + 16;
  return bytes;
}
