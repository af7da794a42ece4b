import { describe, expect, it } from 'vitest';
import { formatLsn, parseLsn } from '../src/index';

describe('PostgreSQL LSNs as numbers', () => {
  it('reads both halves: hi * 2^32 + lo, and prints them back as the server does', () => {
    expect(parseLsn('16/B374D848')).toBe(0x16n * 2n ** 32n + 0xb374d848n);
    expect(formatLsn(parseLsn('16/B374D848'))).toBe('16/B374D848');
    expect(parseLsn('0/0')).toBe(0n);
  });

  it('orders as numbers where the text does not', () => {
    expect(parseLsn('10/0') > parseLsn('9/FFFFFFFF')).toBe(true);
    expect(parseLsn('1/A') > parseLsn('1/9')).toBe(true);
  });

  it('refuses what is not an LSN', () => {
    expect(() => parseLsn('16-B374D848')).toThrow(/not a PostgreSQL LSN/);
    expect(() => parseLsn('1/123456789')).toThrow(/not a PostgreSQL LSN/);
  });
});
