/**
 * Cache tags on the wire: the key a CDN stores for a tag, and the response header carrying a
 * response's keys.
 *
 * The key of a tag depends on the tag alone, never on the response it appears in: the purge side
 * (a mutation's invalidated tags) must name exactly the keys the responses carried, and it has no
 * response to look at. So a response with too many keys is not squeezed by hashing harder (the
 * purge could not know); it is reported as not fitting, and must not be shared by the CDN.
 */
import { createHash } from 'node:crypto';
import type { TagHeaderFormat } from './formats';

/**
 * Tags kept readable (easy to debug in the CDN's logs): at most this many bytes, and made of
 * characters every CDN takes inside a key and that no separator uses (no space, no comma). The
 * bound is well under every per-key limit we know (Fastly 1,024 bytes; Cloudflare's purge call).
 */
export const MAX_PLAIN_KEY_BYTES = 100;
const PLAIN_KEY = new RegExp(`^[A-Za-z0-9:._-]{1,${MAX_PLAIN_KEY_BYTES}}$`);

/**
 * Any other tag becomes `~` + 22 base64url characters of its SHA-256 (132 bits: no collision in
 * practice, and a collision would only purge too much). `~` is outside the plain characters, so
 * a hashed key never equals a plain tag.
 */
export function wireKey(tag: string): string {
  if (PLAIN_KEY.test(tag)) return tag;
  return `~${createHash('sha256').update(tag).digest('base64url').slice(0, 22)}`;
}

/** The distinct wire keys of these tags, first appearance first. */
export function wireKeys(tags: Iterable<string>): string[] {
  return [...new Set([...tags].map(wireKey))];
}

export type TagHeader =
  /** `value` is empty when there are no tags: set no header then. */
  | { fits: true; name: string; value: string }
  /** The CDN would ignore some keys, so a purge could miss this response: do not share it. */
  | { fits: false; name: string; reason: string };

export function tagHeader(tags: Iterable<string>, format: TagHeaderFormat): TagHeader {
  const keys = wireKeys(tags);
  const value = keys.join(format.separator);
  // Keys are ASCII, so characters are bytes.
  if (keys.length > format.maxKeys) {
    return { fits: false, name: format.name, reason: `${keys.length} keys, over ${format.maxKeys}` };
  }
  if (value.length > format.maxValueBytes) {
    return {
      fits: false,
      name: format.name,
      reason: `${value.length} bytes of keys, over ${format.maxValueBytes}`,
    };
  }
  return { fits: true, name: format.name, value };
}
