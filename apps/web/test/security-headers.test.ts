/**
 * Pages refuse to be framed by another site (clickjacking): `Content-Security-Policy:
 * frame-ancestors 'none'` for current browsers, `X-Frame-Options: DENY` for old ones. The API's
 * JSON answers are left alone (nothing to click in them, and every header costs a stored hit).
 */
import { describe, expect, it } from 'vitest';
import config from '../next.config';

async function headersFor(path: string): Promise<Record<string, string>> {
  const rules = (await config.headers?.()) ?? [];
  const found: Record<string, string> = {};
  for (const rule of rules) {
    // Next matches `source` with path-to-regexp; these rules use one unnamed regex group.
    const pattern = new RegExp(`^${rule.source.replace(/^\/\((.*)\)$/, '/($1)')}$`);
    if (pattern.test(path)) for (const { key, value } of rule.headers) found[key.toLowerCase()] = value;
  }
  return found;
}

describe('framing', () => {
  it('forbids framing of every page', async () => {
    for (const path of ['/', '/sign-in', '/agents/code-review', '/workspaces/1', '/dashboard/cache']) {
      const headers = await headersFor(path);
      expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(headers['x-frame-options'], path).toBe('DENY');
    }
  });

  it('adds nothing to API answers', async () => {
    expect(await headersFor('/api/trpc/marketplace.search')).toEqual({});
  });
});
