/**
 * PostgreSQL WAL positions (LSNs) as numbers. The server prints an LSN as two hex halves,
 * `16/B374D848` = 0x16 * 2^32 + 0xB374D848; as text they do not sort (`9/0` > `10/0`), as
 * numbers they do, which is what the cache engine's positions need (it keeps the newest).
 */

export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!match) throw new Error(`not a PostgreSQL LSN: ${JSON.stringify(text)}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export function formatLsn(position: bigint): string {
  const hi = (position >> 32n).toString(16).toUpperCase();
  const lo = (position & 0xffffffffn).toString(16).toUpperCase();
  return `${hi}/${lo}`;
}
