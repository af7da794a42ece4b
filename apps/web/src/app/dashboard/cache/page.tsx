import { CacheDashboard } from '~/components/dashboard/cache-dashboard';

export const metadata = { title: 'Cache dashboard' };

export default function CacheDashboardPage() {
  return (
    <>
      <h1>Cache dashboard</h1>
      <p className="muted">
        Live from <code>/api/cache-stats</code> every 2 s (this server process). Prometheus metrics:{' '}
        <a href="/api/metrics">/api/metrics</a>.
      </p>
      <CacheDashboard />
    </>
  );
}
