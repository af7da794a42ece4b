/**
 * The CDN window's rig: Varnish (cdn/stash.vcl) in front of both `next start` instances through a
 * small TCP balancer (as a load balancer in front of an origin), the instances purging it by tag
 * through a TCP gate the window can shut, and the templates the window renames.
 */
import {
  freePort,
  mutationCall,
  type Stack,
  send,
  startStack,
  startTcpGate,
  startVarnish,
  type TcpGate,
  type Varnish,
} from '@stash/harness';
import { NameHistory } from './cdn-names';
import type { CdnRoute } from './load';
import type { WindowContext } from './windows';

/** The window's CDN settings (README's STASH_CDN_* table): short, so a window can see them. */
/** Above the in-flight bound below, so a skeleton fact left to expire like a count is caught. */
export const SOFT_MAX_AGE_S = 10;
export const MAX_AGE_S = 20;
/** Above the window's hang bound (5 s): a CDN fetch taking longer fails the window anyway. */
export const REPURGE_AFTER_S = 6;
/** A CDN fetch's own time: a copy is stored when its answer arrives, after it was built. */
export const FETCH_SLACK_MS = 1_000;
const TEMPLATES = 4;
export const REQUEST_TIMEOUT_MS = 10_000;

export interface Template {
  id: number;
  history: NameHistory;
}

/** What the window runs besides the load: the CDN, its gates, the renamer and its readers. */
export interface CdnRig {
  stack: Stack;
  varnish: Varnish;
  /** The balancer Varnish fetches from. */
  origin: TcpGate;
  /** The path the instances purge through. */
  purgePath: TcpGate;
  route: CdnRoute;
  templates: Template[];
  ownerCookie: string;
  /** Periods purging could not work (Varnish down, the purge port shut): [from, to]. */
  impaired: Array<[number, number]>;
  stopped: boolean;
  paused: boolean;
  loops: Promise<void>[];
  renameInFlight: Promise<void>;
  late: { purged: number; impaired: number; maxPurgedMs: number; maxImpairedMs: number };
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export async function startCdnRig(ctx: WindowContext): Promise<CdnRig> {
  const owner = ctx.load.ownerOfTemplates();
  const varnishPort = await freePort();
  const purgePath = await startTcpGate({ host: '127.0.0.1', port: varnishPort });
  const cleanup: Array<() => Promise<void>> = [() => purgePath.shut()];
  try {
    const stack = await startStack({
      databaseUrl: ctx.databaseUrl,
      cache: { redisUrl: ctx.redis.url },
      instances: 2,
      sessionSecret: ctx.stack.sessionSecret,
      env: {
        STASH_FAULT_INJECTION: '1',
        STASH_CDN: 'varnish',
        STASH_CDN_VARNISH_URLS: purgePath.url,
        STASH_CDN_MAX_AGE_S: String(MAX_AGE_S),
        STASH_CDN_SOFT_MAX_AGE_S: String(SOFT_MAX_AGE_S),
        STASH_CDN_REPURGE_AFTER_S: String(REPURGE_AFTER_S),
        // A purge that hangs (Varnish mid-restart) holds a write at most this long: below the
        // 2 s a request may take before it counts as a hang.
        STASH_CDN_PURGE_WAIT_MS: '1000',
      },
    });
    cleanup.push(() => stack.stop());
    ctx.load.targets = stack.apps.map((app) => ({ app, down: false }));
    // Only to instances the window has not taken down: one restarting (or still warming up after
    // its restart) gets no traffic, as a load balancer's health probe would keep it out.
    const origin = await startTcpGate(() =>
      ctx.load.targets.filter((t) => !t.down).map((t) => ({ host: '127.0.0.1', port: t.app.port })),
    );
    cleanup.push(() => origin.shut());
    const varnish = await startVarnish({ backend: origin.url, port: varnishPort });
    const rig: CdnRig = {
      stack,
      varnish,
      origin,
      purgePath,
      route: { url: varnish.url, down: false, countSlackMs: SOFT_MAX_AGE_S * 1000 + ctx.hangBoundMs },
      templates: [],
      ownerCookie: owner.cookie,
      impaired: [],
      stopped: false,
      paused: false,
      loops: [],
      renameInFlight: Promise.resolve(),
      late: { purged: 0, impaired: 0, maxPurgedMs: 0, maxImpairedMs: 0 },
    };
    const url = stack.apps[0]?.url ?? '';
    for (let i = 0; i < TEMPLATES; i++) {
      const name = `CDN window template ${i} r0`;
      const res = await send(
        url,
        mutationCall('templates.create', {
          name,
          description: 'Renamed by the CDN fault window.',
          category: 'productivity',
          steps: [{ name: 'Step', action: 'run' }],
        }),
        { cookie: owner.cookie, timeoutMs: REQUEST_TIMEOUT_MS },
      );
      const id = isRecord(res.data) ? res.data.id : undefined;
      if (res.status !== 200 || typeof id !== 'number') {
        throw new Error(`templates.create answered ${res.status}: ${res.error ?? ''}`);
      }
      rig.templates.push({ id, history: new NameHistory(name) });
    }
    return rig;
  } catch (error) {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    throw error;
  }
}

export async function stopCdnRig(rig: CdnRig): Promise<void> {
  await rig.varnish.stop();
  await rig.origin.shut();
  await rig.purgePath.shut();
  await rig.stack.stop();
}
