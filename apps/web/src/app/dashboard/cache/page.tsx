import { isAdmin } from '@stash/api';
import { notFound } from 'next/navigation';
import { CacheDashboard } from '~/components/dashboard/cache-dashboard';
import { requireSession } from '~/lib/require-session';
import { getRuntime } from '~/server/runtime';

export const metadata = { title: 'Cache dashboard' };

/** Admins only: anyone else signed in gets a 404, signed-out visitors the sign-in page. */
export default async function CacheDashboardPage() {
  const me = await requireSession('/dashboard/cache');
  if (!isAdmin((await getRuntime()).deps, me)) notFound();
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
