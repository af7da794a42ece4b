import { describe, expect, it } from 'vitest';
import { loadCdnConfig } from '../src/config';

describe('loadCdnConfig', () => {
  it('is off by default', () => {
    expect(loadCdnConfig({})).toEqual({ cdn: 'none' });
  });

  it('picks the CDN, its header and its purger', () => {
    const varnish = loadCdnConfig({
      STASH_CDN: 'varnish',
      STASH_CDN_VARNISH_URLS: 'http://a:6081, http://b:6081',
    });
    expect(varnish).toMatchObject({
      cdn: 'varnish',
      tagHeader: { name: 'xkey', separator: ' ' },
      maxAgeMs: 3_600_000,
      softMaxAgeMs: 300_000,
      purgeWaitMs: 2_000,
      repurgeAfterMs: 20_000,
    });
    const cloudflare = loadCdnConfig({
      STASH_CDN: 'cloudflare',
      STASH_CDN_CLOUDFLARE_ZONE_ID: 'z',
      STASH_CDN_CLOUDFLARE_TOKEN: 't',
      STASH_CDN_TAG_HEADER: 'X-Cache-Tags',
    });
    expect(cloudflare).toMatchObject({
      cdn: 'cloudflare',
      tagHeader: { name: 'X-Cache-Tags', separator: ',' },
    });
    expect(cloudflare.cdn !== 'none' && cloudflare.purger.cdn).toBe('cloudflare');
  });

  it('reads the purge timings', () => {
    const varnish = loadCdnConfig({
      STASH_CDN: 'varnish',
      STASH_CDN_VARNISH_URLS: 'http://a:6081',
      STASH_CDN_MAX_AGE_S: '600',
      STASH_CDN_SOFT_MAX_AGE_S: '30',
      STASH_CDN_PURGE_WAIT_MS: '250',
      STASH_CDN_REPURGE_AFTER_S: '0',
    });
    expect(varnish).toMatchObject({
      maxAgeMs: 600_000,
      softMaxAgeMs: 30_000,
      purgeWaitMs: 250,
      repurgeAfterMs: 0,
    });
  });

  it('names the missing settings of the chosen CDN', () => {
    expect(() => loadCdnConfig({ STASH_CDN: 'fastly', STASH_CDN_FASTLY_SERVICE_ID: 's' })).toThrow(
      'STASH_CDN=fastly needs STASH_CDN_FASTLY_SERVICE_ID and STASH_CDN_FASTLY_TOKEN',
    );
    expect(() => loadCdnConfig({ STASH_CDN: 'varnish' })).toThrow('needs STASH_CDN_VARNISH_URLS');
    expect(() => loadCdnConfig({ STASH_CDN: 'varnish', STASH_CDN_VARNISH_URLS: 'nope' })).toThrow(
      'not a URL: nope',
    );
  });

  it('refuses an unknown CDN and a header name that is not one', () => {
    expect(() => loadCdnConfig({ STASH_CDN: 'akamai' })).toThrow(/STASH_CDN/);
    expect(() =>
      loadCdnConfig({
        STASH_CDN: 'varnish',
        STASH_CDN_VARNISH_URLS: 'http://a',
        STASH_CDN_TAG_HEADER: 'x key',
      }),
    ).toThrow(/must be a header name/);
  });
});
