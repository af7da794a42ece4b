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

export async function unsealSession(sealed: string, secret: string): Promise<SealedSession | null> {
  try {
    const data: unknown = await unsealData(sealed, { password: secret, ttl: SESSION_TTL_SECONDS });
    return toSealed(data);
  } catch {
    // Tampered, expired or sealed with another secret: treat as signed out.
    return null;
  }
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
