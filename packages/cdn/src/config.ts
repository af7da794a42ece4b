/**
 * The CDN settings (STASH_CDN and the adapter's own), parsed once; README's configuration table
 * lists them. `none` (the default) means no CDN is purged and no tag header is sent.
 */
import { z } from 'zod';
import { cloudflarePurger } from './cloudflare';
import { fastlyPurger } from './fastly';
import { type CdnName, TAG_HEADER_FORMATS, type TagHeaderFormat } from './formats';
import { DEFAULT_PURGE_TIMEOUT_MS, type Purger } from './purger';
import { varnishPurger } from './varnish';

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const envSchema = z.object({
  STASH_CDN: z.enum(['none', 'varnish', 'fastly', 'cloudflare']).default('none'),
  STASH_CDN_TAG_HEADER: z
    .string()
    .regex(HEADER_NAME, 'STASH_CDN_TAG_HEADER must be a header name')
    .optional(),
  STASH_CDN_PURGE_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(DEFAULT_PURGE_TIMEOUT_MS),
  STASH_CDN_MAX_AGE_S: z.coerce.number().int().min(0).max(86_400).default(3_600),
  STASH_CDN_SOFT_MAX_AGE_S: z.coerce.number().int().min(0).max(86_400).default(300),
  STASH_CDN_PURGE_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  STASH_CDN_REPURGE_AFTER_S: z.coerce.number().int().min(0).max(3_600).default(20),
  STASH_CDN_VARNISH_URLS: z.string().optional(),
  STASH_CDN_FASTLY_SERVICE_ID: z.string().min(1).optional(),
  STASH_CDN_FASTLY_TOKEN: z.string().min(1).optional(),
  STASH_CDN_FASTLY_API_URL: z.string().url().optional(),
  STASH_CDN_CLOUDFLARE_ZONE_ID: z.string().min(1).optional(),
  STASH_CDN_CLOUDFLARE_TOKEN: z.string().min(1).optional(),
  STASH_CDN_CLOUDFLARE_API_URL: z.string().url().optional(),
});

export type CdnConfig =
  | { cdn: 'none' }
  | {
      cdn: CdnName;
      /** The response header carrying wire keys (wire.ts `tagHeader`). */
      tagHeader: TagHeaderFormat;
      purger: Purger;
      /**
       * `s-maxage` cap of an answer that carries its tags: freshness comes from the purge, and
       * never past what the answer's own cached parts promise (the app takes the lesser).
       */
      maxAgeMs: number;
      /**
       * `s-maxage` cap of an answer that shows soft facts (install counts): the CDN copy does
       * not carry their tags, so no write purges it for them, and this bounds how old they get.
       */
      softMaxAgeMs: number;
      /** How long a mutation waits for its purge to be confirmed before it returns anyway. */
      purgeWaitMs: number;
      /** The second purge after the first (longer than the CDN waits for the origin); 0: none. */
      repurgeAfterMs: number;
    };

export function loadCdnConfig(env: NodeJS.ProcessEnv = process.env): CdnConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid CDN configuration:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  if (e.STASH_CDN === 'none') return { cdn: 'none' };
  const format = TAG_HEADER_FORMATS[e.STASH_CDN];
  const tagHeader = e.STASH_CDN_TAG_HEADER ? { ...format, name: e.STASH_CDN_TAG_HEADER } : format;
  return {
    cdn: e.STASH_CDN,
    tagHeader,
    purger: purgerFrom(e),
    maxAgeMs: e.STASH_CDN_MAX_AGE_S * 1000,
    softMaxAgeMs: e.STASH_CDN_SOFT_MAX_AGE_S * 1000,
    purgeWaitMs: e.STASH_CDN_PURGE_WAIT_MS,
    repurgeAfterMs: e.STASH_CDN_REPURGE_AFTER_S * 1000,
  };
}

function purgerFrom(e: z.infer<typeof envSchema>): Purger {
  const timeoutMs = e.STASH_CDN_PURGE_TIMEOUT_MS;
  const need = (names: string[]) =>
    new Error(`STASH_CDN=${e.STASH_CDN} needs ${names.join(' and ')} (README, "Configuration")`);
  switch (e.STASH_CDN) {
    case 'varnish': {
      const urls = (e.STASH_CDN_VARNISH_URLS ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      if (urls.length === 0) throw need(['STASH_CDN_VARNISH_URLS']);
      for (const url of urls) {
        if (!URL.canParse(url)) throw new Error(`STASH_CDN_VARNISH_URLS: not a URL: ${url}`);
      }
      return varnishPurger({ urls, timeoutMs });
    }
    case 'fastly': {
      if (!e.STASH_CDN_FASTLY_SERVICE_ID || !e.STASH_CDN_FASTLY_TOKEN) {
        throw need(['STASH_CDN_FASTLY_SERVICE_ID', 'STASH_CDN_FASTLY_TOKEN']);
      }
      return fastlyPurger({
        serviceId: e.STASH_CDN_FASTLY_SERVICE_ID,
        token: e.STASH_CDN_FASTLY_TOKEN,
        baseUrl: e.STASH_CDN_FASTLY_API_URL,
        timeoutMs,
      });
    }
    case 'cloudflare': {
      if (!e.STASH_CDN_CLOUDFLARE_ZONE_ID || !e.STASH_CDN_CLOUDFLARE_TOKEN) {
        throw need(['STASH_CDN_CLOUDFLARE_ZONE_ID', 'STASH_CDN_CLOUDFLARE_TOKEN']);
      }
      return cloudflarePurger({
        zoneId: e.STASH_CDN_CLOUDFLARE_ZONE_ID,
        token: e.STASH_CDN_CLOUDFLARE_TOKEN,
        baseUrl: e.STASH_CDN_CLOUDFLARE_API_URL,
        timeoutMs,
      });
    }
    default:
      throw new Error(`unknown CDN ${e.STASH_CDN satisfies 'none'}`);
  }
}
