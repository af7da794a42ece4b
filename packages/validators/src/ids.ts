/**
 * Row ids. Every id column is a PostgreSQL `integer` (int4): a number past 2^31-1 would pass a
 * plain `z.number().int()` and then fail inside the database as a 500, so the bound is part of
 * the schema and the caller gets a readable 400 instead.
 */
import { z } from 'zod';

export const INT4_MAX = 2_147_483_647;

/** True for a value an `integer` id column can hold (positive: ids start at 1). */
export function isRowId(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= INT4_MAX;
}

export const idSchema = z
  .number({ error: 'An id is a number' })
  .int('An id is a whole number')
  .min(1, 'An id is at least 1')
  .max(INT4_MAX, `An id is at most ${INT4_MAX}`);

export const workspaceIdSchema = idSchema;
export const agentIdSchema = idSchema;
export const templateIdSchema = idSchema;
export const userIdSchema = idSchema;
