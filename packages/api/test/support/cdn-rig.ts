/**
 * The CDN tests' rig: cdn/stash.vcl in a throw-away varnishd in front of the app's HTTP handler,
 * purged by the outbox's delivery path. Purges reach Varnish through a TCP gate the tests can
 * shut, as a purge port that refuses. Install counts are soft at the CDN (an install purges
 * nothing public); the purge tests use writes that change skeleton facts (a template's name, an
 * agent's description).
 */
import { TAG_HEADER_FORMATS, varnishPurger } from '@stash/cdn';
import { freePort, startTcpGate, startVarnish, type TcpGate, type Varnish } from '@stash/harness';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { type ApiDeps, createCaller, createContextInner } from '../../src';
import { wireCdn } from '../../src/caching/cdn';
import { ADA, createHarness, type Harness } from './harness';
import { superjsonBody, trpcData } from './http';
import { startHttpServer } from './http-server';

/** The soft facts' cap (install counts at the CDN). */
export const SOFT_MAX_AGE_S = 240;

export const agentPath = (agentId: number) =>
  `/api/trpc/marketplace.agent?input=${encodeURIComponent(superjsonBody({ id: agentId }))}`;
const templatePath = (id: number) =>
  `/api/trpc/templates.byId?input=${encodeURIComponent(superjsonBody({ id }))}`;
export const SEARCH_PATH = `/api/trpc/marketplace.search?input=${encodeURIComponent(superjsonBody({ query: '', sortBy: 'newest' }))}`;

export class CdnRig {
  /** Runs right after each purge Varnish confirmed: an anonymous reader arriving at that moment. */
  afterPurge: (() => Promise<unknown>) | undefined;
  purges = 0;
  /** Purges sent and not yet answered (or failed). */
  purgesInFlight = 0;
  purgeSettled: Promise<void> = Promise.resolve();
  deps!: ApiDeps;
  app!: Awaited<ReturnType<typeof startHttpServer>>;
  varnish!: Varnish;
  private nextAgent = 0;

  private constructor(
    readonly h: Harness,
    readonly gate: TcpGate,
    readonly workspaceId: number,
  ) {}

  static async start(): Promise<CdnRig> {
    const h = await createHarness();
    const varnishPort = await freePort();
    const rig = new CdnRig(
      h,
      await startTcpGate({ host: '127.0.0.1', port: varnishPort }),
      await h.workspaceOf(ADA),
    );
    const purger = varnishPurger({ urls: [rig.gate.url], timeoutMs: 5_000 });
    const cdn = wireCdn({
      tagHeader: TAG_HEADER_FORMATS.varnish,
      maxAgeMs: 3_600_000,
      softMaxAgeMs: SOFT_MAX_AGE_S * 1000,
      purge(tags) {
        rig.purgesInFlight += 1;
        const sent = purger.purge(tags).finally(() => {
          rig.purgesInFlight -= 1;
        });
        rig.purgeSettled = sent.then(
          () => {},
          () => {},
        );
        return sent.then(async () => {
          rig.purges += 1;
          await rig.afterPurge?.();
        });
      },
      waitMs: 5_000,
      againAfterMs: 0,
      log: () => {},
    });
    rig.deps = { ...h.deps, cdn };
    rig.app = await startHttpServer(rig.deps);
    rig.varnish = await startVarnish({ backend: rig.app.url, port: varnishPort });
    return rig;
  }

  async close(): Promise<void> {
    await this.varnish?.stop();
    await this.gate.shut();
    await this.app?.close();
    await this.h.close();
  }

  /** An anonymous (or signed-in) read of an agent's page through Varnish. */
  async viaVarnish(agentId: number, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.varnish.url}${agentPath(agentId)}`, { headers });
    expect(res.status).toBe(200);
    const { installCount } = trpcData<{ installCount: number }>(await res.text());
    return { installCount, cacheStatus: res.headers.get('cache-status') ?? '' };
  }

  /** A published agent not installed in Ada's workspace, a new one each call. */
  agentNotInstalled() {
    return this.h.db.prisma.agent.findFirstOrThrow({
      where: { published: true, installs: { none: { workspaceId: this.workspaceId } } },
      orderBy: { id: 'asc' },
      skip: this.nextAgent++,
    });
  }

  async install(agentId: number) {
    const ctx = createContextInner(this.deps, { session: await this.h.session(ADA) });
    await createCaller(ctx).installs.install({ workspaceId: this.workspaceId, agentId });
  }

  outboxRows() {
    return this.h.db.prisma.cacheOutbox.count();
  }

  /** An anonymous read of a template's page through Varnish. */
  async templateViaVarnish(id: number) {
    const res = await fetch(`${this.varnish.url}${templatePath(id)}`);
    expect(res.status).toBe(200);
    const { name } = trpcData<{ name: string }>(await res.text());
    return { name, cacheStatus: res.headers.get('cache-status') ?? '' };
  }

  /** A template of Ada's, its page stored in Varnish (read twice: the second is a hit). */
  async templateInVarnish(): Promise<{ id: number; name: string }> {
    const { api } = await this.h.as(ADA);
    const created = await api.templates.create({
      name: `CDN template ${Math.random().toString(36).slice(2, 8)}`,
      description: 'A template whose page the CDN keeps.',
      category: 'productivity',
      steps: [{ name: 'Step', action: 'run' }],
    });
    const first = await this.templateViaVarnish(created.id);
    const second = await this.templateViaVarnish(created.id);
    expect(second.cacheStatus).toMatch(/varnish; hit$/);
    expect(second.name).toBe(first.name);
    return { id: created.id, name: first.name };
  }

  /** The rig's app dependencies with some purge settings changed (a shorter wait, a second purge). */
  withPurge(settings: Partial<NonNullable<ApiDeps['cdn']>['purge']>): ApiDeps {
    const cdn = this.deps.cdn!;
    return { ...this.deps, cdn: { ...cdn, purge: { ...cdn.purge, ...settings } } };
  }

  /** Ada renames her template (a skeleton fact: the CDN must be purged for it). */
  async rename(id: number, name: string, through: ApiDeps = this.deps) {
    const ctx = createContextInner(through, { session: await this.h.session(ADA) });
    await createCaller(ctx).templates.update({ id, name });
  }

  /** Read twice: the second answer comes from Varnish. */
  async storedInVarnish(agentId: number) {
    const first = await this.viaVarnish(agentId);
    const second = await this.viaVarnish(agentId);
    expect(second.cacheStatus).toMatch(/varnish; hit$/);
    expect(second.installCount).toBe(first.installCount);
    return second.installCount;
  }
}

/** One rig per test file: started before its tests, closed after them, hooks reset before each. */
export function useCdnRig(): () => CdnRig {
  let rig: CdnRig | undefined;
  beforeAll(async () => {
    rig = await CdnRig.start();
  }, 90_000);
  afterAll(async () => {
    await rig?.close();
  });
  beforeEach(() => {
    if (rig) rig.afterPurge = undefined;
  });
  return () => {
    if (!rig) throw new Error('the CDN rig is not started');
    return rig;
  };
}
