/**
 * `next` (where sign-in sends the browser back to) must stay on this site as the browser itself
 * reads the URL: it treats `\` as `/` and drops tabs and newlines anywhere, so each of these
 * once passed a "starts with `/`, not `//`" check and led off-site.
 */
import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../src';

/** Where a browser on `origin` goes when a page navigates to `target`. */
const landsOn = (target: string, origin = 'https://stash.example') => new URL(target, origin).origin;

describe('safeNextPath', () => {
  // As they arrive in the query string; URLSearchParams decodes them as Next does.
  const reproductions = [
    'next=%2F%5Cevil.example', // /\evil.example
    'next=/%09/evil.example', // tab
    'next=/%0A/evil.example', // newline
    'next=/%0D/evil.example', // carriage return
    'next=/%5C/evil.example', // /\/evil.example
    'next=%2F%2Fevil.example',
    'next=/%09%5Cevil.example',
    'next=%5C%5Cevil.example',
    'next=https://evil.example/',
    'next=%20//evil.example',
    'next=/%2E%2E//evil.example', // /..//evil.example: dot segments leave //evil.example
    'next=javascript:alert(1)',
  ];
  for (const query of reproductions) {
    it(`keeps ${query} on this site`, () => {
      const value = new URLSearchParams(query).get('next');
      const next = safeNextPath(value);
      expect(landsOn(next)).toBe('https://stash.example');
      expect(next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')).toBe(true);
    });
  }

  it('keeps same-site paths with their query and fragment', () => {
    expect(safeNextPath('/workspaces/3?tab=members#invite')).toBe('/workspaces/3?tab=members#invite');
    expect(safeNextPath('/agents/code-review')).toBe('/agents/code-review');
    expect(safeNextPath(['/templates', '/other'])).toBe('/templates');
  });

  it('falls back to / for nothing at all', () => {
    for (const nothing of [undefined, null, '', [], 'relative/path']) expect(safeNextPath(nothing)).toBe('/');
  });
});
