/**
 * Text that PostgreSQL can store. `text` and `jsonb` reject the NUL character ("invalid byte
 * sequence for encoding UTF8"), and `jsonb` rejects lone UTF-16 surrogates (JSON.stringify
 * writes them as `\udXXX` escapes). Both would surface as a 500 from deep inside the query;
 * checked here they are a 400 that names the field.
 */
import { z } from 'zod';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point.
const NUL = /\u0000/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
// (String.prototype.isWellFormed is ES2024, newer than the lib every package compiles with.)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string has no NUL and no lone surrogate. */
export function isStorableText(value: string): boolean {
  return !NUL.test(value) && !LONE_SURROGATE.test(value);
}

export const STORABLE_TEXT_MESSAGE = 'Text cannot contain NUL characters or broken unicode';

/** A string the database can store; chain `.trim()`, `.min()`, `.max()` as usual. */
export function text() {
  return z.string().refine(isStorableText, STORABLE_TEXT_MESSAGE);
}
