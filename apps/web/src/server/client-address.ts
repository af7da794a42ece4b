/**
 * The caller's address for per-address sign-in limits (rules in @stash/api's client-address.ts):
 * the socket's peer, stamped by ./peer-address.ts, and `x-forwarded-for` only as far as the
 * operator trusts the proxies that wrote it (STASH_TRUSTED_PROXIES).
 */
import { clientAddressOf, type TrustedProxies } from '@stash/api';
import { PEER_HEADER } from './peer-address';

export function clientAddress(req: Request, trusted: TrustedProxies): string | null {
  return clientAddressOf(req.headers.get('x-forwarded-for'), req.headers.get(PEER_HEADER), trusted);
}
