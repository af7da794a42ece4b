/**
 * The session lives in one sealed (encrypted + signed) httpOnly cookie; iron-session's seal
 * format does the crypto. The cookie also carries the session version it was issued under,
 * which the context checks on each request (./session-version.ts) so sign-out revokes it.
 */
import { sealData, unsealData } from 'iron-session';

export interface Session {
  userId: number;
  email: string;
  name: string;
}

/** What the cookie holds: the session and the user's session version at sign-in. */
export interface SealedSession {
  session: Session;
  version: number;
}

export const SESSION_COOKIE = 'stash_session';
const SESSION_TTL_SECONDS = 60 * 60 * 24 * 7;

function toSealed(value: unknown): SealedSession | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const ok =
    typeof v.userId === 'number' &&
    typeof v.email === 'string' &&
    typeof v.name === 'string' &&
    typeof v.v === 'number'; // cookies from before revocable sessions have no version: signed out
  if (!ok) return null;
  return {
    session: { userId: v.userId as number, email: v.email as string, name: v.name as string },
    version: v.v as number,
  };
}

export async function sealSession(session: Session, version: number, secret: string): Promise<string> {
  return sealData({ ...session, v: version }, { password: secret, ttl: SESSION_TTL_SECONDS });
}

/**
 * Sessions unsealed lately, by secret and sealed text. Unsealing (a PBKDF2 key derivation, an
 * HMAC and an AES decryption) was the largest single cost of a signed-in cache hit
 * (docs/benchmarks.md, "Signed-in reads"). A seal is authenticated and never changes, so the same
 * text under the same secret unseals to the same session until it expires: it is kept at most
 * UNSEALED_MEMO_MS and never past the seal's own expiry. What revokes a session (its version) is
 * not here: the caller checks it on every request. Bounded by emptying it when full.
 */
const unsealed = new Map<string, { value: SealedSession; until: number }>();
const UNSEALED_MEMO_MS = 60_000;
const MAX_UNSEALED = 10_000;

/** The expiry (epoch ms) an iron seal carries in its sixth field; 0 if it has none. */
function sealExpiry(sealed: string): number {
  const expiry = Number(sealed.split('*')[5]);
  return Number.isFinite(expiry) ? expiry : 0;
}

/**
 * The session `sealed` unsealed to lately under `secret`, without a promise (a hit's path awaits
 * nothing before Redis); undefined when it must be unsealed (`unsealSession`).
 */
export function unsealedLately(sealed: string, secret: string): SealedSession | undefined {
  const memo = unsealed.get(`${secret}\u0000${sealed}`);
  return memo && memo.until > Date.now() ? memo.value : undefined;
}

export async function unsealSession(sealed: string, secret: string): Promise<SealedSession | null> {
  const lately = unsealedLately(sealed, secret);
  if (lately) return lately;
  const memoKey = `${secret}\u0000${sealed}`;
  const now = Date.now();
  let value: SealedSession | null;
  try {
    const data: unknown = await unsealData(sealed, { password: secret, ttl: SESSION_TTL_SECONDS });
    value = toSealed(data);
  } catch {
    // Tampered, expired or sealed with another secret: treat as signed out.
    return null;
  }
  if (value) {
    if (unsealed.size >= MAX_UNSEALED) unsealed.clear();
    unsealed.set(memoKey, { value, until: Math.min(now + UNSEALED_MEMO_MS, sealExpiry(sealed)) });
  }
  return value;
}

export function readCookie(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null; // malformed percent-encoding: treated as no cookie (signed out)
    }
  }
  return null;
}

export async function readSessionFromCookieHeader(
  cookieHeader: string | null,
  secret: string,
): Promise<SealedSession | null> {
  const sealed = readCookie(cookieHeader, SESSION_COOKIE);
  return sealed ? unsealSession(sealed, secret) : null;
}

export function sessionCookie(sealed: string, secure: boolean): string {
  const attrs = [`${SESSION_COOKIE}=${encodeURIComponent(sealed)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  attrs.push(`Max-Age=${SESSION_TTL_SECONDS}`);
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  const attrs = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}
