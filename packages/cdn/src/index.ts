// A CDN tier purged by cache tag: the tags' wire keys and response header (wire.ts), one purge
// adapter per CDN, and the settings that pick one (config.ts). docs/cdn.md has the whole story.

export { type CloudflarePurgerOptions, cloudflarePurger } from './cloudflare';
export { type CdnConfig, loadCdnConfig } from './config';
export { type FastlyPurgerOptions, fastlyPurger } from './fastly';
export { type CdnName, TAG_HEADER_FORMATS, type TagHeaderFormat } from './formats';
export { PurgeError } from './http';
export { DEFAULT_PURGE_TIMEOUT_MS, type Purger } from './purger';
export { type VarnishPurgerOptions, varnishPurger } from './varnish';
export { MAX_PLAIN_KEY_BYTES, type TagHeader, tagHeader, wireKey, wireKeys } from './wire';
