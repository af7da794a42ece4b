/** Next calls `register` once per server process, before it serves a request. */
export async function register(): Promise<void> {
  // Only Node's server has sockets (and the diagnostics channel); the edge runtime has neither.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { stampPeerAddresses } = await import('./server/peer-address');
  stampPeerAddresses();
}
