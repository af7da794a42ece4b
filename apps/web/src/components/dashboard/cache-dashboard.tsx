'use client';

import { useState } from 'react';
import { CountersTable } from './counters-table';
import { HitRateChart } from './hit-rate-chart';
import { useCacheHistory } from './use-cache-history';

type Mode = 'cumulative' | 'interval';

export function CacheDashboard() {
  const { stats, history } = useCacheHistory();
  const [mode, setMode] = useState<Mode>('cumulative');

  if (stats.isPending) return <p className="muted">Loading cache stats…</p>;
  if (stats.isError && !stats.data) return <p className="error">{stats.error.message}</p>;
  const data = stats.data;
  if (!data) return null;
  const namespaces = Object.keys(data.perNamespace).sort();

  return (
    <section className="dashboard">
      <div className="dashboard-bar">
        <span>
          Breaker: <span className={`badge breaker-${data.breaker}`}>{data.breaker}</span>
        </span>
        {data.l1 && (
          <span className="muted">
            L1: {data.l1.entries} entries, {(data.l1.bytes / 1024).toFixed(0)} KiB
          </span>
        )}
        <label>
          Hit rate{' '}
          <select
            value={mode}
            onChange={(e) => setMode(e.target.value === 'interval' ? 'interval' : 'cumulative')}
          >
            <option value="cumulative">since start</option>
            <option value="interval">per 2 s interval</option>
          </select>
        </label>
      </div>
      <HitRateChart samples={history.map((s) => ({ at: s.at, values: s[mode] }))} namespaces={namespaces} />
      <CountersTable stats={data} namespaces={namespaces} />
    </section>
  );
}
