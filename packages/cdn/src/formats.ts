/**
 * The response header each CDN reads cache tags from, and the limits it documents. A key past a
 * limit is silently ignored by the CDN, and a purge of an ignored key purges nothing: so a
 * response whose keys do not fit must not be shared at all (wire.ts says when).
 */

export type CdnName = 'varnish' | 'fastly' | 'cloudflare';

export interface TagHeaderFormat {
  cdn: CdnName;
  /** The response header (configurable: STASH_CDN_TAG_HEADER). */
  name: string;
  separator: ' ' | ',';
  /** Bytes of the header's value the CDN reads. */
  maxValueBytes: number;
  /** Keys one response may carry. */
  maxKeys: number;
}

export const TAG_HEADER_FORMATS: Readonly<Record<CdnName, TagHeaderFormat>> = {
  // vmod_xkey reads the `xkey` header, keys separated by spaces or commas. varnishd refuses a
  // backend response header line longer than http_resp_hdr_len (8 KB by default), name included.
  varnish: { cdn: 'varnish', name: 'xkey', separator: ' ', maxValueBytes: 8_000, maxKeys: Infinity },
  // Fastly: space-separated; the whole header at most 16,384 bytes, each key at most 1,024 bytes
  // (wire keys are at most 100: wire.ts).
  fastly: { cdn: 'fastly', name: 'Surrogate-Key', separator: ' ', maxValueBytes: 16_384, maxKeys: Infinity },
  // Cloudflare: comma-separated, at most 16 KB after the header name (commas counted), which
  // its documentation puts at about 1,000 unique tags.
  cloudflare: { cdn: 'cloudflare', name: 'Cache-Tag', separator: ',', maxValueBytes: 16_384, maxKeys: 1_000 },
};
