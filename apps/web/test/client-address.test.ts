/**
 * Which address the per-address sign-in limit counts: the socket's peer unless it is a proxy the
 * operator trusts (STASH_TRUSTED_PROXIES), and then the entry that proxy appended to
 * `x-forwarded-for`, walking left past each further trusted proxy. Whatever the client itself
 * wrote there never counts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTrustedProxies } from '@stash/api';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../src/server/client-address';
import { PEER_HEADER, stampPeerAddresses } from '../src/server/peer-address';

const request = (headers: Record<string, string>) =>
  new Request('http://localhost/api/trpc/auth.signIn', { headers });

describe('client address', () => {
  it('trusts no proxy by default: a client-written x-forwarded-for is ignored', () => {
    const req = request({ 'x-forwarded-for': '6.6.6.6', [PEER_HEADER]: '203.0.113.5' });
    expect(clientAddress(req, parseTrustedProxies(undefined))).toBe('203.0.113.5');
  });

  it('behind trusted proxies: the entry the nearest untrusted hop was seen as', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8, 192.0.2.1');
    const peer = { [PEER_HEADER]: '10.0.0.2' };
    expect(clientAddress(request({ ...peer, 'x-forwarded-for': '198.51.100.23' }), trusted)).toBe(
      '198.51.100.23',
    );
    // The client prepends what it likes; two trusted proxies appended after it.
    const chain = '6.6.6.6, 7.7.7.7, 198.51.100.23, 192.0.2.1, 10.0.0.9';
    expect(clientAddress(request({ ...peer, 'x-forwarded-for': chain }), trusted)).toBe('198.51.100.23');
  });

  it('a peer that is not a trusted proxy is the client, whatever it forwards', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8');
    const req = request({ [PEER_HEADER]: '198.51.100.99', 'x-forwarded-for': '10.0.0.1' });
    expect(clientAddress(req, trusted)).toBe('198.51.100.99');
  });

  it('IPv6 and IPv4-mapped peers; garbage in the chain stops at the last trusted hop', () => {
    const trusted = parseTrustedProxies('::1, fd00::/8');
    expect(clientAddress(request({ [PEER_HEADER]: '::ffff:203.0.113.7' }), trusted)).toBe('203.0.113.7');
    expect(clientAddress(request({ [PEER_HEADER]: '::1', 'x-forwarded-for': '2001:db8::5' }), trusted)).toBe(
      '2001:db8::5',
    );
    expect(clientAddress(request({ [PEER_HEADER]: '::1', 'x-forwarded-for': 'unknown' }), trusted)).toBe(
      '::1',
    );
  });

  it('refuses a trusted-proxy list it cannot read', () => {
    expect(() => parseTrustedProxies('10.0.0.0/8, not-an-ip')).toThrow(/not-an-ip/);
  });
});

describe('the peer stamp', () => {
  it("writes the socket's address over a client's own x-stash-peer before any handler reads it", async () => {
    stampPeerAddresses();
    const server = createServer((req, res) => res.end(String(req.headers[PEER_HEADER])));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_HEADER]: '6.6.6.6' } });
      expect(await res.text()).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
