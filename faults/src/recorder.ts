/**
 * Every request the suite sends, attributed to the window and phase it started in, and the
 * per-window summary the report prints. A "hang" is a request over 2 s, the finer of the suite's
 * two time bounds (verdict.ts); the slowest request is kept for the coarser one.
 */
import { hitRateRecoveryMs, hitShare, spanShares } from './hit-rate';

export const HANG_MS = 2_000;

export type Phase = 'before' | 'fault' | 'after';

export interface Sample {
  window: string;
  phase: Phase;
  procedure: string;
  instance: string;
  t0: number;
  t1: number;
  /** HTTP status; 0 when the connection failed or timed out. */
  status: number;
  /** The procedure's own outcome from x-stash-cache (hit, miss, stale, bypass, error). */
  cache: string | null;
  /** Set for an exact read whose answer was older than a returned write. */
  wrong?: { detail: string; lagMs: number | null };
  /** Lists: how far behind the install counts shown were (ms). */
  listLagMs?: number;
  /** An exact read the oracle judged (a 200 of agent detail, byId, installState or mine). */
  checked?: boolean;
  /** A connection error on an instance the window had killed on purpose. */
  expectedFailure?: boolean;
}

export interface WindowSummary {
  name: string;
  /** Calibration window: wrong answers are required, not forbidden. */
  expectWrong: boolean;
  requests: number;
  writes: number;
  /** Exact reads judged by the oracle, and how many of them the cache answered (hit or stale). */
  checked: number;
  checkedFromCache: number;
  wrong: number;
  wrongByProcedure: Record<string, number>;
  maxWrongLagMs: number | null;
  fiveXx: number;
  hangs: number;
  connErrors: number;
  expectedConnErrors: number;
  cacheErrors: number;
  p99FaultMs: number;
  /** The slowest request of the window (ms). */
  slowestMs: number;
  /** Share of reads answered from the cache before the fault; null without such reads. */
  hitShareBefore: number | null;
  /** ms from the fault's end until the hit share was back (hit-rate.ts); null: never. */
  hitRecoveryMs: number | null;
  /** The hit share of each second after the fault (null: too few reads in it), for the log. */
  hitSharesAfter: (number | null)[];
  /** ms from the end of the fault to the end of the last bad request; null: bad until the end. */
  recoveryMs: number | null;
  listReads: number;
  listLagged: number;
  maxListLagMs: number;
  /**
   * Per write whose instance crashed after its commit: ms from the commit being confirmed until
   * the other instances showed it (the outbox relay's delivery); null: not within the wait.
   */
  crashConvergedMs: (number | null)[];
  notes: string[];
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * Bad for recovery: what a user would notice. Cache `error` outcomes are not counted: on a busy
 * machine today's engine reports them all the time, and the user still gets a right answer.
 */
function isBad(s: Sample): boolean {
  return (
    (s.status === 0 && !s.expectedFailure) ||
    s.status >= 500 ||
    s.t1 - s.t0 > HANG_MS ||
    s.wrong !== undefined
  );
}

export class Recorder {
  readonly samples: Sample[] = [];
  window = 'setup';
  phase: Phase = 'before';
  private readonly faultEnds = new Map<string, number>();
  private readonly windowEnds = new Map<string, number>();
  private readonly notes = new Map<string, string[]>();

  /** When the current window began (performance.now()): reported times are relative to it. */
  windowStart = 0;
  private readonly starts = new Map<string, number>();

  begin(window: string): void {
    this.window = window;
    this.phase = 'before';
    this.windowStart = performance.now();
    this.starts.set(window, this.windowStart);
  }

  faultStarted(): void {
    this.phase = 'fault';
  }

  faultEnded(at: number): void {
    this.phase = 'after';
    this.faultEnds.set(this.window, at);
  }

  end(at: number): void {
    this.windowEnds.set(this.window, at);
  }

  private readonly convergences = new Map<string, (number | null)[]>();

  crashConverged(ms: number | null): void {
    const list = this.convergences.get(this.window) ?? [];
    list.push(ms === null ? null : Math.round(ms));
    this.convergences.set(this.window, list);
  }

  note(text: string): void {
    const list = this.notes.get(this.window) ?? [];
    list.push(`+${Math.round(performance.now() - this.windowStart)} ms: ${text}`);
    this.notes.set(this.window, list);
  }

  record(sample: Omit<Sample, 'window' | 'phase'>, at: { window: string; phase: Phase }): void {
    this.samples.push({ ...sample, ...at });
  }

  /** One line per hang, so a slow request can be traced to its procedure, instance and phase. */
  hangLines(name: string): string[] {
    return this.lines(
      name,
      (s) => s.t1 - s.t0 > HANG_MS,
      (s) => `${Math.round(s.t1 - s.t0)} ms, status ${s.status}`,
    );
  }

  /** One line per connection error no window expected (at most `max`). */
  connErrorLines(name: string, max = 10): string[] {
    return this.lines(
      name,
      (s) => s.status === 0 && !s.expectedFailure,
      (s) => `no answer after ${Math.round(s.t1 - s.t0)} ms`,
    ).slice(0, max);
  }

  /** One line per wrong answer (at most `max`), with what the oracle expected instead. */
  wrongLines(name: string, max = 10): string[] {
    return this.lines(
      name,
      (s) => s.wrong !== undefined,
      (s) => s.wrong?.detail ?? '',
    ).slice(0, max);
  }

  private lines(name: string, pick: (s: Sample) => boolean, what: (s: Sample) => string): string[] {
    const mine = this.samples.filter((s) => s.window === name);
    const start = this.starts.get(name) ?? Math.min(...mine.map((s) => s.t0));
    return mine
      .filter(pick)
      .map(
        (s) =>
          `${s.procedure} on ${s.instance} (${s.phase}, sent at +${Math.round(s.t0 - start)} ms): ` +
          `${what(s)}, cache ${s.cache ?? '-'}`,
      );
  }

  summarize(name: string, expectWrong = false): WindowSummary {
    const mine = this.samples.filter((s) => s.window === name);
    const checked = mine.filter((s) => s.checked);
    const wrong = mine.filter((s) => s.wrong);
    const wrongByProcedure: Record<string, number> = {};
    for (const s of wrong) wrongByProcedure[s.procedure] = (wrongByProcedure[s.procedure] ?? 0) + 1;
    const lags = wrong.map((s) => s.wrong?.lagMs).filter((l): l is number => typeof l === 'number');
    const lists = mine.filter((s) => s.listLagMs !== undefined);
    const faultEnd = this.faultEnds.get(name) ?? Number.POSITIVE_INFINITY;
    const end = this.windowEnds.get(name) ?? Number.POSITIVE_INFINITY;
    const badAfter = mine.filter((s) => s.t0 >= faultEnd && isBad(s));
    const lastBad = badAfter.reduce((m, s) => Math.max(m, s.t1), faultEnd);
    // Still bad in the last second of the window: it had not recovered when we stopped looking.
    const recovered = !badAfter.some((s) => s.t0 >= end - 1_000);
    const hitShareBefore = hitShare(mine.filter((s) => s.phase === 'before'));
    return {
      name,
      expectWrong,
      requests: mine.length,
      writes: mine.filter((s) => s.procedure.startsWith('installs.')).length,
      checked: checked.length,
      checkedFromCache: checked.filter((s) => /=(hit|stale)/.test(s.cache ?? '')).length,
      wrong: wrong.length,
      wrongByProcedure,
      maxWrongLagMs: lags.length > 0 ? Math.max(...lags) : null,
      fiveXx: mine.filter((s) => s.status >= 500).length,
      hangs: mine.filter((s) => s.t1 - s.t0 > HANG_MS).length,
      connErrors: mine.filter((s) => s.status === 0 && !s.expectedFailure).length,
      expectedConnErrors: mine.filter((s) => s.status === 0 && s.expectedFailure).length,
      cacheErrors: mine.filter((s) => (s.cache ?? '').includes('=error')).length,
      p99FaultMs: Math.round(
        percentile(
          mine.filter((s) => s.phase === 'fault').map((s) => s.t1 - s.t0),
          99,
        ),
      ),
      slowestMs: Math.round(mine.reduce((m, s) => Math.max(m, s.t1 - s.t0), 0)),
      hitShareBefore,
      hitRecoveryMs: hitShareBefore === null ? null : hitRateRecoveryMs(mine, hitShareBefore, faultEnd, end),
      hitSharesAfter: spanShares(mine, faultEnd, end),
      recoveryMs: recovered ? Math.round(lastBad - faultEnd) : null,
      listReads: lists.length,
      listLagged: lists.filter((s) => (s.listLagMs ?? 0) > 0).length,
      maxListLagMs: Math.round(Math.max(0, ...lists.map((s) => s.listLagMs ?? 0))),
      crashConvergedMs: this.convergences.get(name) ?? [],
      notes: this.notes.get(name) ?? [],
    };
  }
}
