/**
 * Cloudflare: purge by cache tag, `POST {api}/zones/{zone_id}/purge_cache` with the JSON body
 * `{"tags": [...]}` and a Bearer API token (Zone > Cache Purge permission). Cloudflare documents
 * up to 100 tags per request on every plan (older documents say 30: `tagsPerRequest` lowers it),
 * and answers 200 with `"success": false` for some refusals, so the body is checked too.
 */
import { batches } from './batch';
import { joinUrl, PurgeError, sendPurge } from './http';
import { DEFAULT_PURGE_TIMEOUT_MS, type Purger } from './purger';
import { wireKeys } from './wire';

export interface CloudflarePurgerOptions {
  zoneId: string;
  token: string;
  /** Default `https://api.cloudflare.com/client/v4`; tests point it at a local server. */
  baseUrl?: string;
  timeoutMs?: number;
  tagsPerRequest?: number;
}

export const CLOUDFLARE_API_URL = 'https://api.cloudflare.com/client/v4';
export const CLOUDFLARE_TAGS_PER_REQUEST = 100;

export function cloudflarePurger(options: CloudflarePurgerOptions): Purger {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PURGE_TIMEOUT_MS;
  const url = joinUrl(
    options.baseUrl ?? CLOUDFLARE_API_URL,
    `zones/${encodeURIComponent(options.zoneId)}/purge_cache`,
  );
  const maxKeys = options.tagsPerRequest ?? CLOUDFLARE_TAGS_PER_REQUEST;
  return {
    cdn: 'cloudflare',
    async purge(tags) {
      const groups = batches(wireKeys(tags), { maxKeys, maxBytes: Infinity });
      for (const [i, keys] of groups.entries()) {
        const what = `cloudflare purge, batch ${i + 1} of ${groups.length} (${keys.length} tags)`;
        const response = await sendPurge({
          what,
          method: 'POST',
          url,
          headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ tags: keys }),
          timeoutMs,
        });
        const refusal = cloudflareRefusal(response.text);
        if (refusal !== null) throw new PurgeError(`${what}: POST ${url} was refused: ${refusal}`);
      }
    },
  };
}

/** Cloudflare's envelope: `{ success, errors: [{ code, message }], ... }`; null when it succeeded. */
function cloudflareRefusal(text: string): string | null {
  let body: { success?: unknown; errors?: { code?: unknown; message?: unknown }[] };
  try {
    body = JSON.parse(text);
  } catch {
    return `not the JSON Cloudflare answers with: ${text.slice(0, 200)}`;
  }
  if (body.success === true) return null;
  const errors = (body.errors ?? []).map((e) => `${String(e.code)} ${String(e.message)}`).join('; ');
  return `success: false${errors ? ` (${errors})` : ''}`;
}
