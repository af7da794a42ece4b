import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { NoticeProvider } from '~/components/layout/notice';
import { SiteHeader } from '~/components/layout/site-header';
import { TRPCReactProvider } from '~/trpc/react';
import { HydrateClient, trpc } from '~/trpc/server';
import './globals.css';
// Order matters: later files override earlier ones (phone.css, the media queries, comes last).
import './styles/catalog.css';
import './styles/feedback.css';
import './styles/phone.css';

// Every page depends on the session cookie and live data: render per request, never at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Stash', template: '%s · Stash' },
  description: 'A marketplace of AI agents and workflow templates.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  await trpc.auth.me.prefetch();
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>
          <NoticeProvider>
            <HydrateClient>
              <SiteHeader />
            </HydrateClient>
            <main className="container">{children}</main>
          </NoticeProvider>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
