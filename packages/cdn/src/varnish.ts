/**
 * Varnish with vmod_xkey (cdn/stash.vcl): `PURGE /` with the keys in an `xkey-purge` header,
 * sent to every Varnish node (each caches on its own). The VCL accepts it only from its purgers
 * ACL and answers `200 Purged <n>`.
 */
import { batches } from './batch';
import { PurgeError, sendPurge } from './http';
import { DEFAULT_PURGE_TIMEOUT_MS, type Purger } from './purger';
import { wireKeys } from './wire';

export interface VarnishPurgerOptions {
  /** Each node's address, e.g. `http://127.0.0.1:6081`. */
  urls: readonly string[];
  timeoutMs?: number;
}

/** varnishd refuses a request header line over http_req_hdr_len (8 KB by default), name included. */
const MAX_HEADER_VALUE_BYTES = 8_000;

export function varnishPurger(options: VarnishPurgerOptions): Purger {
  if (options.urls.length === 0) throw new Error('varnish purger: no Varnish URL given');
  const timeoutMs = options.timeoutMs ?? DEFAULT_PURGE_TIMEOUT_MS;

  const purgeNode = async (base: string, groups: string[][]) => {
    for (const [i, keys] of groups.entries()) {
      await sendPurge({
        what: `varnish purge, batch ${i + 1} of ${groups.length} (${keys.length} keys)`,
        method: 'PURGE',
        url: new URL('/', base).href,
        headers: { 'xkey-purge': keys.join(' ') },
        timeoutMs,
      });
    }
  };

  return {
    cdn: 'varnish',
    async purge(tags) {
      const keys = wireKeys(tags);
      if (keys.length === 0) return;
      const groups = batches(keys, { maxKeys: Infinity, maxBytes: MAX_HEADER_VALUE_BYTES });
      // Every node is tried even when one fails: a node that is down holds nothing stale for
      // long, the others must not keep their copies because of it.
      const results = await Promise.allSettled(options.urls.map((url) => purgeNode(url, groups)));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
      if (failures.length > 0) {
        throw new PurgeError(
          `varnish purge failed on ${failures.length} of ${options.urls.length} nodes: ` +
            failures.map((e) => e.message).join('; '),
        );
      }
    },
  };
}
