import { chartGeometry, HEIGHT, PAD, seriesPaths, WIDTH } from './chart-geometry';

const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];
const Y_TICKS = [0, 0.25, 0.5, 0.75, 1];

export interface ChartSample {
  at: number;
  values: Record<string, number | null>;
}

/** Hit rate (0–100 %) per procedure over time: one SVG polyline per namespace, gaps where no calls. */
export function HitRateChart({ samples, namespaces }: { samples: ChartSample[]; namespaces: string[] }) {
  const geo = chartGeometry(samples);
  return (
    <figure className="chart" data-testid="hit-rate-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Cache hit rate per procedure over time">
        {Y_TICKS.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={geo.y(t)} y2={geo.y(t)} className="grid" />
            <text x={PAD.left - 8} y={geo.y(t) + 4} textAnchor="end" className="axis">
              {t * 100}%
            </text>
          </g>
        ))}
        {geo.xTicks.map((tick) => (
          <text key={tick.x} x={tick.x} y={HEIGHT - 8} textAnchor="middle" className="axis">
            {tick.label}
          </text>
        ))}
        {namespaces.map((ns, i) =>
          seriesPaths(samples, ns, geo).map((points) => (
            <polyline
              key={`${ns}-${points}`}
              points={points}
              fill="none"
              stroke={COLORS[i % COLORS.length]}
              strokeWidth={2}
              strokeLinejoin="round"
              data-series={ns}
            />
          )),
        )}
        {samples.length < 2 && (
          <text x={WIDTH / 2} y={HEIGHT / 2} textAnchor="middle" className="axis">
            Collecting samples…
          </text>
        )}
      </svg>
      <figcaption className="legend">
        {namespaces.map((ns, i) => (
          <span key={ns}>
            <i style={{ background: COLORS[i % COLORS.length] }} />
            {ns}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
