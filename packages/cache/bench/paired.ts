/**
 * Two operations measured side by side, one of each in turn (the order flips every pair), so
 * both see the same machine: on a shared 2-core box the load moves within seconds, and two
 * tasks measured one after the other can differ by 2× for no reason of their own. Reports each
 * one's median and the ratio of the medians, which spikes barely move.
 */
import { loadavg } from 'node:os';

export interface PairedResult {
  label: string;
  aMedianUs: number;
  bMedianUs: number;
  /** a / b */
  ratio: number;
  pairs: number;
  load: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function paired(
  label: string,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  pairs: number,
  warmup = 500,
): Promise<PairedResult> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  const time = async (fn: () => Promise<unknown>, into: number[]) => {
    const started = performance.now();
    await fn();
    into.push((performance.now() - started) * 1000);
  };
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      await time(a, as);
      await time(b, bs);
    } else {
      await time(b, bs);
      await time(a, as);
    }
  }
  const aMedianUs = median(as);
  const bMedianUs = median(bs);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return { label, aMedianUs, bMedianUs, ratio: aMedianUs / bMedianUs, pairs, load };
}
