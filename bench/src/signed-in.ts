/**
 * The signed-in rows: a real session cookie (auth.signIn), a workspace with WORKSPACE_INSTALLS
 * installs made through the real install mutation, and checks that each answer is the user's own
 * (status 200, the right workspace, a cache hit) before any number is trusted.
 */
import { DEMO_PASSWORD } from '@stash/db';
import superjson, { type SuperJSONResult } from 'superjson';
import { get, type Target } from './load';
import { ADMIN_EMAIL, EXPECTED_CACHE_HEADER, type Variant } from './variants';

/** Ada (user 1) owns workspace 1 in the demo seed. */
export const BENCH_WORKSPACE_ID = 1;
/** At least 30: the size of workspace the slow signed-in page was reported with. */
export const WORKSPACE_INSTALLS = 34;

export const WORKSPACE_BY_ID_PATH = `/api/trpc/workspaces.byId?input=${encodeURIComponent(
  JSON.stringify({ json: { workspaceId: BENCH_WORKSPACE_ID } }),
)}`;
export const WORKSPACES_MINE_PATH = '/api/trpc/workspaces.mine';

/** A session cookie for `email`, from the real sign-in. */
export async function signIn(url: string, email = ADMIN_EMAIL): Promise<string> {
  const res = await fetch(`${url}/api/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: { email, password: DEMO_PASSWORD } }),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!res.ok || !cookie) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return cookie;
}

async function call<T>(url: string, path: string, cookie: string): Promise<T> {
  const { status, body } = await get({ variant: 'next-ws-byid', url, headers: { cookie }, path });
  if (status !== 200) throw new Error(`${path}: status ${status}: ${body.slice(0, 300)}`);
  const parsed = JSON.parse(body) as { result: { data: SuperJSONResult } };
  return superjson.deserialize<T>(parsed.result.data);
}

interface WorkspacePage {
  id: number;
  myRole: string | null;
  installs: Array<{ agent: { id: number } }>;
}

/** Installs agents into the bench workspace (the real mutation) until it has WORKSPACE_INSTALLS. */
export async function fillWorkspace(url: string, cookie: string): Promise<number> {
  const page = await call<WorkspacePage>(url, WORKSPACE_BY_ID_PATH, cookie);
  const have = new Set(page.installs.map((i) => i.agent.id));
  for (let agentId = 1; have.size < WORKSPACE_INSTALLS; agentId++) {
    if (have.has(agentId)) continue;
    const res = await fetch(`${url}/api/trpc/installs.install`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ json: { workspaceId: BENCH_WORKSPACE_ID, agentId } }),
    });
    if (!res.ok) throw new Error(`install ${agentId}: ${res.status} ${await res.text()}`);
    have.add(agentId);
  }
  return have.size;
}

export function signedInTarget(
  variant: 'next-ws-byid' | 'next-ws-mine',
  url: string,
  cookie: string,
): Target {
  const path = variant === 'next-ws-byid' ? WORKSPACE_BY_ID_PATH : WORKSPACES_MINE_PATH;
  return { variant, url, headers: { cookie }, path };
}

export function isSignedInVariant(variant: Variant): variant is 'next-ws-byid' | 'next-ws-mine' {
  return variant === 'next-ws-byid' || variant === 'next-ws-mine';
}

/**
 * Twice (the first may fill the caches); the second must be a 200 hit showing the user's own
 * data: the bench workspace with all its installs and the user's role, or a list naming it.
 */
export async function verifySignedIn(target: Target): Promise<void> {
  const cookie = target.headers.cookie ?? '';
  const path = target.path ?? '';
  await call(target.url, path, cookie);
  const { cache } = await get(target);
  const expected = EXPECTED_CACHE_HEADER[target.variant];
  if (cache !== expected) throw new Error(`${target.variant}: x-stash-cache ${cache}, expected ${expected}`);
  if (target.variant === 'next-ws-byid') {
    const page = await call<WorkspacePage>(target.url, path, cookie);
    if (
      page.id !== BENCH_WORKSPACE_ID ||
      page.myRole !== 'OWNER' ||
      page.installs.length < WORKSPACE_INSTALLS
    )
      throw new Error(
        `next-ws-byid: workspace ${page.id}, role ${page.myRole}, ${page.installs.length} installs`,
      );
  } else {
    const mine = await call<Array<{ id: number; role: string }>>(target.url, path, cookie);
    if (!mine.some((w) => w.id === BENCH_WORKSPACE_ID && w.role === 'OWNER'))
      throw new Error(`next-ws-mine: the list lacks workspace ${BENCH_WORKSPACE_ID}`);
  }
}
