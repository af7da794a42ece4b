import { handleTrpcRequest } from '@stash/api';
import { getRuntime } from '~/server/runtime';

// The whole tRPC endpoint (fetch adapter, batching, `x-stash-cache` header) lives in @stash/api,
// where it is tested without Next.
async function handler(req: Request): Promise<Response> {
  const { deps } = await getRuntime();
  return handleTrpcRequest(req, deps);
}

export { handler as GET, handler as POST };
