/**
 * The caller's network address, for per-address limits. Proxies are trusted only when the
 * operator names them (STASH_TRUSTED_PROXIES): a client can write anything into
 * `x-forwarded-for`, so the header is read only from the right, and only as far as each hop to
 * its right is a trusted proxy (each appends the address it saw). With none trusted (the
 * default) the header is ignored and the socket's peer is the caller.
 */
import { BlockList, isIP } from 'node:net';

/** The proxies whose `x-forwarded-for` entries are believed; null: none. */
export type TrustedProxies = BlockList | null;

/** `10.0.0.0/8, 192.0.2.1, fd00::/8` -> a BlockList; throws naming an entry it cannot read. */
export function parseTrustedProxies(list: string | undefined): TrustedProxies {
  const entries = (list ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const trusted = new BlockList();
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const maxBits = family === 6 ? 128 : 32;
    if (
      family === 0 ||
      rest.length > 0 ||
      (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= maxBits))
    ) {
      throw new Error(`STASH_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, prefix, type);
  }
  return trusted;
}

/**
 * An address as one family writes it: IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack
 * socket reports) as IPv4, a port (`1.2.3.4:80`, `[::1]:80`) dropped; null when not an address.
 */
function normalize(raw: string | null | undefined): string | null {
  let value = raw?.trim() ?? '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1] ?? '';
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  if (/^::ffff:[\d.]+$/i.test(value)) value = value.slice(7);
  return isIP(value) === 0 ? null : value;
}

function isTrusted(trusted: BlockList, address: string): boolean {
  return trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * `peer` is the socket's remote address as this server saw it; null when unknown. Past a
 * trusted proxy the entry it appended is the next hop; an entry that is not an address ends the
 * walk at the last trusted hop (every such request then shares that hop's budget: safe, not open).
 */
export function clientAddressOf(
  forwardedFor: string | null,
  peer: string | null,
  trusted: TrustedProxies,
): string | null {
  let address = normalize(peer);
  if (!address || !trusted) return address;
  const hops = (forwardedFor ?? '').split(',');
  while (isTrusted(trusted, address) && hops.length > 0) {
    const next = normalize(hops.pop());
    if (!next) return address;
    address = next;
  }
  return address;
}
