/**
 * A window's verdict: it must fail on slowness, on a cache that never comes back, and on a window
 * that judged too little to show anything, not only on harm the oracle sees.
 */
import { describe, expect, it } from 'vitest';
import { type CacheSample, hitRateRecoveryMs, hitShare } from '../src/hit-rate';
import type { WindowSummary } from '../src/recorder';
import { type Bounds, problems } from '../src/verdict';

const BOUNDS: Bounds = {
  hangMs: 5_000,
  fineHangMs: 2_000,
  fineHangs: 'report',
  minChecked: 50,
  hitRecoveryMs: 4_000,
  crashBoundMs: 5_000,
};

/** A window that passes: every field a failure could come from is healthy. */
function healthy(): WindowSummary {
  return {
    name: 'Redis SIGSTOP 10 s',
    expectWrong: false,
    requests: 1_000,
    writes: 50,
    checked: 500,
    checkedFromCache: 400,
    wrong: 0,
    wrongByProcedure: {},
    maxWrongLagMs: null,
    fiveXx: 0,
    hangs: 0,
    connErrors: 0,
    expectedConnErrors: 0,
    cacheErrors: 0,
    p99FaultMs: 300,
    slowestMs: 1_200,
    hitShareBefore: 0.8,
    hitRecoveryMs: 1_000,
    hitSharesAfter: [0.8],
    recoveryMs: 0,
    listReads: 300,
    listLagged: 0,
    maxListLagMs: 0,
    crashConvergedMs: [],
    notes: [],
  };
}

describe('a fault window', () => {
  it('passes when nothing went wrong, was too slow or stayed down', () => {
    expect(problems(healthy(), BOUNDS)).toEqual([]);
  });

  it('fails when a write committed before its instance crashed showed elsewhere late, or never', () => {
    expect(problems({ ...healthy(), crashConvergedMs: [1_400, 6_100, null] }, BOUNDS)).toEqual([
      'a write committed before its instance crashed showed elsewhere after 6100 ms (bound 5000 ms)',
      'a write committed before its instance crashed showed elsewhere never (bound 5000 ms)',
    ]);
    expect(problems({ ...healthy(), crashConvergedMs: [1_400, 4_999] }, BOUNDS)).toEqual([]);
  });

  it('fails when its hit rate never came back after the fault', () => {
    expect(problems({ ...healthy(), hitRecoveryMs: null }, BOUNDS)).toEqual([
      "hit rate not back within 4000 ms of the fault's end (never)",
    ]);
  });

  it('fails when its hit rate came back later than the bound', () => {
    expect(problems({ ...healthy(), hitRecoveryMs: 5_000 }, BOUNDS)).toEqual([
      "hit rate not back within 4000 ms of the fault's end (5000 ms)",
    ]);
  });

  it('fails when it had no cached reads before the fault to compare with', () => {
    expect(problems({ ...healthy(), hitShareBefore: null, hitRecoveryMs: null }, BOUNDS)).toEqual([
      'no cached reads before the fault to compare with',
    ]);
  });

  it('fails when it checked fewer exact reads than the minimum, or none at all', () => {
    expect(problems({ ...healthy(), checked: 49 }, BOUNDS)).toEqual(['49 exact reads checked (at least 50)']);
    expect(problems({ ...healthy(), requests: 0, checked: 0 }, BOUNDS)).toEqual([
      '0 exact reads checked (at least 50)',
    ]);
  });

  it('fails on any request over the hang bound, even when finer hangs are only reported', () => {
    expect(problems({ ...healthy(), hangs: 1, slowestMs: 5_001 }, BOUNDS)).toEqual([
      'a request took 5001 ms (bound 5000 ms)',
    ]);
    expect(problems({ ...healthy(), hangs: 3, slowestMs: 4_900 }, BOUNDS)).toEqual([]);
  });

  it('fails on hangs over the finer bound when they are not only reported', () => {
    expect(problems({ ...healthy(), hangs: 3, slowestMs: 2_500 }, { ...BOUNDS, fineHangs: 'fail' })).toEqual([
      '3 hangs (> 2000 ms)',
    ]);
  });

  it('fails on harm a user sees, each named', () => {
    expect(problems({ ...healthy(), wrong: 2, fiveXx: 1, connErrors: 4 }, BOUNDS)).toEqual([
      '2 wrong',
      '1 5xx',
      '4 connection errors',
    ]);
  });
});

describe('the calibration window', () => {
  const calibration = (): WindowSummary => ({
    ...healthy(),
    name: 'oracle self-check',
    expectWrong: true,
    wrong: 300,
    hitRecoveryMs: null, // stale entries are served on purpose: not a recovery to judge
  });

  it('passes when the oracle flagged reads', () => {
    expect(problems(calibration(), BOUNDS)).toEqual([]);
  });

  it('fails when the oracle flagged nothing, or judged too few reads to flag any', () => {
    expect(problems({ ...calibration(), wrong: 0 }, BOUNDS)).toEqual(['the oracle flagged nothing']);
    expect(problems({ ...calibration(), checked: 10 }, BOUNDS)).toEqual([
      '10 exact reads checked (at least 50)',
    ]);
  });
});

describe('hit-rate recovery', () => {
  /** `n` reads sent at `t0`, `hits` of them answered from the cache. */
  const reads = (t0: number, n: number, hits: number): CacheSample[] =>
    Array.from({ length: n }, (_, i) => ({
      procedure: 'marketplace.agent',
      t0,
      cache: `marketplace.agent=${i < hits ? 'hit' : 'error'}`,
    }));

  it('counts hits and stale answers as from the cache, and leaves writes out', () => {
    const samples = [
      ...reads(0, 2, 1),
      { procedure: 'workspaces.byId', t0: 0, cache: 'workspaces.byId=stale' },
      { procedure: 'installs.install', t0: 0, cache: 'x=miss' },
      { procedure: 'marketplace.search', t0: 0, cache: null },
    ];
    expect(hitShare(samples)).toBe(2 / 3);
    expect(hitShare([])).toBeNull();
  });

  it('is the end of the first span after the fault back to half the share before it', () => {
    // Fault ends at 10,000; the span [11,000, 12,000) is the first at 50 % of 0.8.
    const samples = [...reads(10_100, 10, 0), ...reads(11_500, 10, 4), ...reads(12_500, 10, 9)];
    expect(hitRateRecoveryMs(samples, 0.8, 10_000, 16_000)).toBe(2_000);
  });

  it('is null when no span after the fault got there before the window ended', () => {
    const samples = [...reads(10_100, 10, 3), ...reads(15_500, 10, 3), ...reads(16_500, 10, 10)];
    expect(hitRateRecoveryMs(samples, 0.8, 10_000, 16_000)).toBeNull();
  });

  it('asks at least a quarter of reads from the cache when the share before the fault was lower (a cold start)', () => {
    const samples = [...reads(10_100, 10, 2), ...reads(11_100, 10, 3)];
    expect(hitRateRecoveryMs(samples, 0, 10_000, 16_000)).toBe(2_000);
    expect(hitRateRecoveryMs(reads(10_100, 10, 2), 0, 10_000, 16_000)).toBeNull();
  });

  it('ignores spans with too few reads to say anything', () => {
    expect(hitRateRecoveryMs(reads(10_100, 4, 4), 0.8, 10_000, 16_000)).toBeNull();
  });
});
