/**
 * Durations in cache options: milliseconds, or a human string such as '5m', '10s', '1h'.
 * The string form is checked by the type (a typo like '5 min' does not compile) and parsed once,
 * when the procedure is declared.
 */
export type DurationUnit = 'ms' | 's' | 'm' | 'h';
export type Duration = number | `${number}${DurationUnit}`;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function toMs(duration: Duration): number {
  if (typeof duration === 'number') return checked(duration, String(duration));
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  if (!match) throw new Error(`"${duration}" is not a duration: write e.g. 500ms, 10s, 5m or 1h.`);
  return checked(Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN), duration);
}

function checked(ms: number, source: string): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`"${source}" is not a duration of 0 or more.`);
  return ms;
}
