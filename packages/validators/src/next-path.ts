/**
 * `next`, where sign-in sends the browser back to: only a path on this site, as the browser
 * itself will read it. A prefix check on the raw text is not enough: the WHATWG URL parser
 * removes every tab, CR and LF, trims leading C0 controls and spaces, and reads `\` as `/` in
 * http(s) URLs, so `/\evil.example` or `/<tab>/evil.example` is `//evil.example` to a browser.
 * So the value is resolved the way the browser would, against a placeholder origin, and kept
 * only when the origin is unchanged; what is returned is that normalized path (what the
 * browser will follow is what was checked), never the raw text.
 */
const PLACEHOLDER = 'http://placeholder.invalid';

export function safeNextPath(value: string | readonly string[] | null | undefined): string {
  const raw = typeof value === 'string' ? value : value?.[0];
  if (!raw) return '/';
  // The parser's own first step, done here too so the prefix check below sees what it parses.
  const stripped = raw.replace(/[\t\n\r]/g, '');
  if (!stripped.startsWith('/')) return '/'; // relative paths and schemes: not what we send
  let url: URL;
  try {
    url = new URL(stripped, PLACEHOLDER);
  } catch {
    return '/';
  }
  if (url.origin !== PLACEHOLDER) return '/';
  // `/..//evil.example` resolves to the path `//evil.example`: sent on, that is another host.
  if (!url.pathname.startsWith('/') || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
