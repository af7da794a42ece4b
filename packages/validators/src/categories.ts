import { z } from 'zod';

/** Marketplace categories: agents and templates belong to exactly one. The seed draws from this list. */
export const CATEGORIES = [
  'coding',
  'research',
  'data',
  'writing',
  'support',
  'sales',
  'marketing',
  'devops',
  'security',
  'productivity',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const categorySchema = z.enum(CATEGORIES, {
  error: () => `Unknown category; use one of: ${CATEGORIES.join(', ')}`,
});
