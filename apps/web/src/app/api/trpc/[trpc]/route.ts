// Every procedure and batch (`/api/trpc/a,b`) not routed statically: see ../README.md.
export { trpcHandler as GET, trpcHandler as POST } from '~/server/trpc-handler';

// Every answer depends on the request. Saying so also hands the handler the request itself: under
// the default ('auto') Next wraps it in a Proxy that records each `headers` or `url` read (for
// static rendering, which never applies here), a cost on every header a stored hit looks at.
export const dynamic = 'force-dynamic';
