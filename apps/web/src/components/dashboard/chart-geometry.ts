/** Scales and point lists for the hit-rate chart, kept apart from the markup. */
export const WIDTH = 760;
export const HEIGHT = 260;
export const PAD = { top: 12, right: 16, bottom: 28, left: 48 } as const;
const MIN_SPAN_MS = 60_000;

interface Timed {
  at: number;
  values: Record<string, number | null>;
}

export function chartGeometry(samples: Timed[]) {
  const last = samples.at(-1)?.at ?? Date.now();
  const first = Math.min(samples[0]?.at ?? last, last - MIN_SPAN_MS);
  const span = Math.max(1, last - first);
  const x = (at: number) => PAD.left + ((at - first) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (rate: number) => PAD.top + (1 - rate) * (HEIGHT - PAD.top - PAD.bottom);
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const secondsAgo = Math.round(((1 - f) * span) / 1000);
    return {
      x: PAD.left + f * (WIDTH - PAD.left - PAD.right),
      label: secondsAgo === 0 ? 'now' : `-${secondsAgo}s`,
    };
  });
  return { x, y, xTicks };
}

/** Runs of consecutive non-null values become separate polylines, so gaps stay gaps. */
export function seriesPaths(samples: Timed[], ns: string, geo: ReturnType<typeof chartGeometry>): string[] {
  const runs: string[][] = [];
  let run: string[] = [];
  for (const s of samples) {
    const v = s.values[ns];
    if (v === null || v === undefined) {
      if (run.length) runs.push(run);
      run = [];
      continue;
    }
    run.push(`${geo.x(s.at).toFixed(1)},${geo.y(v).toFixed(1)}`);
  }
  if (run.length) runs.push(run);
  // A lone point still shows: draw it as a tiny horizontal segment.
  return runs.map((r) =>
    r.length === 1 ? `${r[0]} ${r[0]?.replace(/^([\d.]+)/, (m) => String(Number(m) + 2))}` : r.join(' '),
  );
}
