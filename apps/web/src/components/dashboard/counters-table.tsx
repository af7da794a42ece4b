import { formatPercent } from '~/lib/format';
import type { StatsSnapshot } from './stats';

export function CountersTable({ stats, namespaces }: { stats: StatsSnapshot; namespaces: string[] }) {
  if (namespaces.length === 0) {
    return <p className="muted">No cached calls yet: browse the marketplace and come back.</p>;
  }
  return (
    // A focusable region, so keyboard users can scroll a table wider than a phone (WCAG 2.1.1).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable
    <section className="table-wrap" tabIndex={0} aria-label="Cache counters per procedure">
      <table className="counters">
        <thead>
          <tr>
            <th>Procedure</th>
            <th>Hit rate</th>
            <th>Hits</th>
            <th>Stale</th>
            <th>Misses</th>
            <th>Errors</th>
            <th>Bypass</th>
            <th>Lease waits</th>
            <th>L1 hits</th>
            <th>L2 hits</th>
            <th>Loader runs</th>
            <th>Loader avg</th>
          </tr>
        </thead>
        <tbody>
          {namespaces.map((ns) => {
            const s = stats.perNamespace[ns];
            if (!s) return null;
            const loader = stats.loaderLatency[ns];
            const avg = loader && loader.count > 0 ? `${(loader.sumMs / loader.count).toFixed(1)} ms` : '–';
            return (
              <tr key={ns}>
                <th scope="row">
                  <code>{ns}</code>
                </th>
                <td>{formatPercent(s.hitRate)}</td>
                <td>{s.hits}</td>
                <td>{s.stale}</td>
                <td>{s.misses}</td>
                <td>{s.errors}</td>
                <td>{s.bypass}</td>
                <td>{s.leaseWaits}</td>
                <td>{s.l1Hits}</td>
                <td>{s.l2Hits}</td>
                <td>{s.loaderRuns}</td>
                <td>{avg}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
