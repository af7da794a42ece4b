/**
 * Benchmarks only: tRPC's fetch adapter answering the captured marketplace.search result as a
 * constant object (superjson, no cache, no database), inside this Next app. It is the framework
 * cost a stored response skips; the HTTP benchmark measures both in the same run. Off (404)
 * unless STASH_BENCH_CONSTANT_FILE names the captured body.
 */
import { readFileSync } from 'node:fs';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson, { type SuperJSONResult } from 'superjson';

type Handler = (req: Request) => Promise<Response>;
let handler: Handler | null = null;

function build(file: string): Handler {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { result: { data: SuperJSONResult } };
  const value: unknown = superjson.deserialize(parsed.result.data);
  const t = initTRPC.create({ transformer: superjson });
  const router = t.router({ marketplace: t.router({ search: t.procedure.query(() => value) }) });
  return (req) =>
    fetchRequestHandler({ endpoint: '/api/bench/trpc', req, router, createContext: () => ({}) });
}

export function GET(req: Request): Promise<Response> | Response {
  const file = process.env.STASH_BENCH_CONSTANT_FILE;
  if (!file) return new Response('Not found', { status: 404 });
  handler ??= build(file);
  return handler(req);
}
