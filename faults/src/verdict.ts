/**
 * Whether a window passes. A green run must mean the promise held, so a window fails not only on
 * harm the oracle sees (wrong answers, 5xx, connection errors) but also when it was too slow, when
 * the cache never came back after the fault, and when it judged too few reads to show anything.
 */
import type { WindowSummary } from './recorder';

export interface Bounds {
  /** Any request slower than this fails its window: a bound a busy shared 2-core machine holds. */
  hangMs: number;
  /** A finer bound (`hangs` counts requests over it); enforced unless reported only. */
  fineHangMs: number;
  fineHangs: 'fail' | 'report';
  /** Exact reads the oracle must have judged in a window, or it proves nothing. */
  minChecked: number;
  /** After the fault ends, the cache's hit share must be back within this (hit-rate.ts). */
  hitRecoveryMs: number;
  /** A write whose instance crashed after commit must show on the others within this. */
  crashBoundMs: number;
}

/** Why a window failed, one phrase each; empty when it passed. */
export function problems(s: WindowSummary, bounds: Bounds): string[] {
  const found: string[] = [];
  const count = (n: number, what: string) => {
    if (n > 0) found.push(`${n} ${what}`);
  };
  if (s.expectWrong) {
    if (s.wrong === 0) found.push('the oracle flagged nothing');
  } else {
    count(s.wrong, 'wrong');
    count(s.fiveXx, '5xx');
    count(s.connErrors, 'connection errors');
    if (bounds.fineHangs === 'fail') count(s.hangs, `hangs (> ${bounds.fineHangMs} ms)`);
    if (s.hitShareBefore === null) found.push('no cached reads before the fault to compare with');
    else if (s.hitRecoveryMs === null || s.hitRecoveryMs > bounds.hitRecoveryMs)
      found.push(
        `hit rate not back within ${bounds.hitRecoveryMs} ms of the fault's end (${
          s.hitRecoveryMs === null ? 'never' : `${s.hitRecoveryMs} ms`
        })`,
      );
  }
  for (const converged of s.crashConvergedMs) {
    if (converged === null || converged > bounds.crashBoundMs)
      found.push(
        `a write committed before its instance crashed showed elsewhere ${
          converged === null ? 'never' : `after ${converged} ms`
        } (bound ${bounds.crashBoundMs} ms)`,
      );
  }
  if (s.slowestMs > bounds.hangMs) found.push(`a request took ${s.slowestMs} ms (bound ${bounds.hangMs} ms)`);
  if (s.checked < bounds.minChecked)
    found.push(`${s.checked} exact reads checked (at least ${bounds.minChecked})`);
  return found;
}
