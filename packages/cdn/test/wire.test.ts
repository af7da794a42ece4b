import { describe, expect, it } from 'vitest';
import { batches } from '../src/batch';
import { TAG_HEADER_FORMATS } from '../src/formats';
import { MAX_PLAIN_KEY_BYTES, tagHeader, wireKey, wireKeys } from '../src/wire';

describe('wireKey', () => {
  it('keeps the tags the app makes as they are', () => {
    for (const tag of [
      'agent:42',
      'agent:42:installs',
      'templates:category:data-science',
      'marketplace:lists',
    ]) {
      expect(wireKey(tag)).toBe(tag);
    }
  });

  it('hashes a tag with a separator or any character outside the plain set, the same way every time', () => {
    for (const tag of ['templates:category:Data Science', 'a,b', 'café', 'x;y', '~abc']) {
      const key = wireKey(tag);
      expect(key).toMatch(/^~[A-Za-z0-9_-]{22}$/);
      expect(wireKey(tag)).toBe(key);
    }
    // Distinct tags, distinct keys (a collision would only purge too much, but none should occur here).
    expect(new Set(['a b', 'a  b', 'a,b', 'A B'].map(wireKey)).size).toBe(4);
  });

  it('hashes a tag longer than the plain bound, and keeps one exactly at it', () => {
    const atBound = 'a'.repeat(MAX_PLAIN_KEY_BYTES);
    expect(wireKey(atBound)).toBe(atBound);
    expect(wireKey(`${atBound}b`)).toMatch(/^~/);
    expect(wireKey('x'.repeat(5000)).length).toBe(23);
  });

  it('never turns a tag into an empty key', () => {
    expect(wireKey('')).toMatch(/^~.{22}$/);
  });
});

describe('tagHeader', () => {
  it('writes each CDN its separator, one key per distinct tag', () => {
    const tags = ['agent:1', 'template:2', 'agent:1', 'templates:category:Data Science'];
    const hashed = wireKey('templates:category:Data Science');
    expect(tagHeader(tags, TAG_HEADER_FORMATS.varnish)).toEqual({
      fits: true,
      name: 'xkey',
      value: `agent:1 template:2 ${hashed}`,
    });
    expect(tagHeader(tags, TAG_HEADER_FORMATS.fastly)).toEqual({
      fits: true,
      name: 'Surrogate-Key',
      value: `agent:1 template:2 ${hashed}`,
    });
    expect(tagHeader(tags, TAG_HEADER_FORMATS.cloudflare)).toEqual({
      fits: true,
      name: 'Cache-Tag',
      value: `agent:1,template:2,${hashed}`,
    });
  });

  it('uses a configured header name', () => {
    const header = tagHeader(['agent:1'], { ...TAG_HEADER_FORMATS.fastly, name: 'X-Purge-Keys' });
    expect(header).toMatchObject({ fits: true, name: 'X-Purge-Keys' });
  });

  it('is empty without tags', () => {
    expect(tagHeader([], TAG_HEADER_FORMATS.fastly)).toEqual({
      fits: true,
      name: 'Surrogate-Key',
      value: '',
    });
  });

  it('fits up to the byte limit and reports a response past it as not fitting', () => {
    // 100-byte keys + a separator: 163 of them make 16,399 bytes, over Fastly's 16,384.
    const tag = (i: number) => `k${String(i).padStart(99, '0')}`;
    const fits = Array.from({ length: 163 }, (_, i) => tag(i)).slice(0, 162);
    const header = tagHeader(fits, TAG_HEADER_FORMATS.fastly);
    expect(header.fits).toBe(true);
    if (header.fits) expect(header.value.length).toBeLessThanOrEqual(16_384);
    const over = tagHeader([...fits, tag(999)], TAG_HEADER_FORMATS.fastly);
    expect(over).toMatchObject({ fits: false, name: 'Surrogate-Key' });
    if (!over.fits) expect(over.reason).toContain('over 16384');
  });

  it("reports more keys than Cloudflare's 1,000 as not fitting, though the bytes would fit", () => {
    const tags = Array.from({ length: 1_001 }, (_, i) => `a:${i}`);
    expect(tagHeader(tags.slice(0, 1_000), TAG_HEADER_FORMATS.cloudflare).fits).toBe(true);
    expect(tagHeader(tags, TAG_HEADER_FORMATS.cloudflare)).toMatchObject({ fits: false });
    expect(tagHeader(tags, TAG_HEADER_FORMATS.fastly).fits).toBe(true);
  });

  it('gives the keys a purge of the same tags sends', () => {
    const tags = ['agent:7', 'templates:category:Data Science'];
    const header = tagHeader(tags, TAG_HEADER_FORMATS.varnish);
    expect(header.fits && header.value.split(' ')).toEqual(wireKeys(tags));
  });
});

describe('batches', () => {
  it('splits by count', () => {
    const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
    expect(batches(keys, { maxKeys: 3, maxBytes: Infinity }).map((b) => b.length)).toEqual([3, 3, 1]);
  });

  it('splits by bytes, separators counted', () => {
    // "aaaa bbbb" is 9 bytes: fits 9, not 8.
    expect(batches(['aaaa', 'bbbb'], { maxKeys: 10, maxBytes: 9 })).toEqual([['aaaa', 'bbbb']]);
    expect(batches(['aaaa', 'bbbb'], { maxKeys: 10, maxBytes: 8 })).toEqual([['aaaa'], ['bbbb']]);
  });

  it('keeps every key, in order', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `key:${i}`);
    expect(batches(keys, { maxKeys: 256, maxBytes: 2000 }).flat()).toEqual(keys);
  });
});
