/**
 * Fastly: purge by surrogate key, `POST {api}/service/{service_id}/purge` with the keys in a
 * `Surrogate-Key` request header (space-separated) and the API token in `Fastly-Key`. Fastly
 * documents at most 256 keys per request. A hard purge: the next request goes to the app, as
 * read-your-writes needs (a soft purge would let Fastly serve the stale object while it refetches).
 */
import { batches } from './batch';
import { joinUrl, sendPurge } from './http';
import { DEFAULT_PURGE_TIMEOUT_MS, type Purger } from './purger';
import { wireKeys } from './wire';

export interface FastlyPurgerOptions {
  serviceId: string;
  /** An API token with the purge_select scope. */
  token: string;
  /** Default `https://api.fastly.com`; tests point it at a local server. */
  baseUrl?: string;
  timeoutMs?: number;
}

export const FASTLY_API_URL = 'https://api.fastly.com';
export const FASTLY_KEYS_PER_REQUEST = 256;
/** The same bound as the response header: well inside Fastly's request header limits. */
const MAX_HEADER_VALUE_BYTES = 16_384;

export function fastlyPurger(options: FastlyPurgerOptions): Purger {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PURGE_TIMEOUT_MS;
  const url = joinUrl(
    options.baseUrl ?? FASTLY_API_URL,
    `service/${encodeURIComponent(options.serviceId)}/purge`,
  );
  return {
    cdn: 'fastly',
    async purge(tags) {
      const groups = batches(wireKeys(tags), {
        maxKeys: FASTLY_KEYS_PER_REQUEST,
        maxBytes: MAX_HEADER_VALUE_BYTES,
      });
      for (const [i, keys] of groups.entries()) {
        await sendPurge({
          what: `fastly purge, batch ${i + 1} of ${groups.length} (${keys.length} keys)`,
          method: 'POST',
          url,
          headers: {
            'Fastly-Key': options.token,
            'Surrogate-Key': keys.join(' '),
            Accept: 'application/json',
          },
          timeoutMs,
        });
      }
    },
  };
}
