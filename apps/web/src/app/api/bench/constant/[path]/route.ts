// Benchmarks only: the constant bytes at the URL shape of a tRPC GET (a dynamic segment and an
// `?input=` query), so Next does the same routing work as for /api/trpc/[trpc] (constant-bytes.ts).
import { constantBytes } from '../constant-bytes';

export function GET(): Response {
  return constantBytes();
}
