/**
 * Opaque keyset cursors: base64url of [sortValue, id]. Decoding is part of input validation,
 * so a malformed cursor is a BAD_REQUEST before anything touches the cache or the database.
 */
import { INT4_MAX, isRowId } from '@stash/validators';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';

export type CursorValue = number | string;
export interface Cursor {
  value: CursorValue;
  id: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString('base64url');
}

function decode(raw: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [value, id] = parsed as unknown[];
    if (!isRowId(id)) return null;
    if (typeof value === 'number' && Number.isFinite(value)) return { value, id };
    if (typeof value === 'string' && value.length <= 64) return { value, id };
    return null;
  } catch {
    return null;
  }
}

export const cursorSchema = z
  .string()
  .max(200, 'Cursor is too long')
  .transform((raw, ctx) => {
    const cursor = decode(raw);
    if (!cursor) {
      ctx.addIssue({ code: 'custom', message: 'Malformed cursor: pass back nextCursor unchanged' });
      return z.NEVER;
    }
    return cursor;
  });

/**
 * Turns `limit + 1` rows into a page: the extra row only says there is more, and the cursor
 * points after the last row returned.
 */
export function toPage<T extends { id: number }>(
  rows: T[],
  limit: number,
  sortValueOf: (row: T) => CursorValue,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ value: sortValueOf(last), id: last.id }) : null;
  return { items, nextCursor };
}

function badCursor(): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message: 'Malformed cursor: pass back nextCursor unchanged' });
}

// Timestamps we ever write sit well inside these years; PostgreSQL refuses JS dates far outside
// them (year -271821 is a valid Date), so anything else cannot come from a real nextCursor.
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

/**
 * The cursor's sort value as a Date a timestamptz column can hold; a cursor made for another
 * sort, or with an out-of-range date, is a bad request.
 */
export function cursorDate(cursor: Cursor): Date {
  const date = typeof cursor.value === 'string' ? new Date(cursor.value) : new Date(Number.NaN);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < MIN_YEAR || year > MAX_YEAR) throw badCursor();
  return date;
}

/**
 * The cursor's sort value as a number the column can hold: any finite double for a float
 * column, an int4 for an integer one. A cursor made for another sort is a bad request.
 */
export function cursorNumber(cursor: Cursor, column: 'float' | 'int'): number {
  const { value } = cursor;
  if (typeof value !== 'number') throw badCursor();
  if (column === 'int' && !(Number.isInteger(value) && Math.abs(value) <= INT4_MAX)) throw badCursor();
  return value;
}
