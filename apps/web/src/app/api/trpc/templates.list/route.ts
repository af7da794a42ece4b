// A public cached procedure on a static route (faster for Next to match): see ../README.md.
export { trpcHandler as GET, trpcHandler as POST } from '~/server/trpc-handler';

export const dynamic = 'force-dynamic';
