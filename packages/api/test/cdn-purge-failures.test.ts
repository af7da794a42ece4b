/**
 * Purges that fail, hang or race a CDN fetch, and a writer that died after its commit, against a
 * real varnishd (support/cdn-rig().ts): the outbox keeps each purge until the CDN confirms it.
 */
import { createCache } from '@stash/cache';
import { sparePort } from '@stash/cache/testing';
import { describe, expect, it, vi } from 'vitest';
import { OutboxRelay } from '../src/caching/outbox';
import { useCdnRig } from './support/cdn-rig';
import { ADA } from './support/harness';

const rig = useCdnRig();

describe('a purge the CDN refuses', () => {
  it('keeps the outbox record, and the relay purges once the port is back', async () => {
    const template = await rig().templateInVarnish();
    const relay = new OutboxRelay(rig().h.db.prisma, rig().h.cache, () => {}, {
      purge: rig().deps.cdn?.purge,
    });
    await rig().gate.shut();
    try {
      const purgesBefore = rig().purges;
      await rig().rename(template.id, `${template.name} (refused)`); // returns: the purge failed at once
      expect(rig().purges).toBe(purgesBefore);
      expect(await rig().outboxRows()).toBe(1);
      // The CDN still has the old answer (bounded by its s-maxage), and the app the new one.
      expect(await rig().templateViaVarnish(template.id)).toMatchObject({ name: template.name });
      expect(await relay.deliverPending(0)).toBe(0); // refused again: kept for the next pass
      expect(await rig().outboxRows()).toBe(1);
    } finally {
      await rig().gate.open();
    }
    rig().afterPurge = () => rig().templateViaVarnish(template.id); // the relay's purge also follows its invalidation
    expect(await relay.deliverPending(0)).toBe(1);
    expect(await rig().outboxRows()).toBe(0);
    expect((await rig().templateViaVarnish(template.id)).name).toBe(`${template.name} (refused)`);
  });
});

describe('a purge that hangs', () => {
  it('lets the mutation return after the wait bound; the record stays until the purge is done', async () => {
    const template = await rig().templateInVarnish();
    const cdn = rig().deps.cdn!;
    const impatient = rig().withPurge({ waitMs: 300 });
    rig().gate.hold();
    try {
      await rig().rename(template.id, `${template.name} (held)`, impatient);
      expect(rig().purgesInFlight).toBe(1); // returned while Varnish had not answered
      expect(await rig().outboxRows()).toBe(1);
    } finally {
      rig().gate.release(); // the held purge fails
    }
    await rig().purgeSettled;
    expect(await rig().outboxRows()).toBe(1);
    const relay = new OutboxRelay(rig().h.db.prisma, rig().h.cache, () => {}, { purge: cdn.purge });
    expect(await relay.deliverPending(0)).toBe(1);
    expect((await rig().templateViaVarnish(template.id)).name).toBe(`${template.name} (held)`);
  });
});

describe('the second purge', () => {
  it('drops a copy the CDN stored after the first', async () => {
    const template = await rig().templateInVarnish();
    const twice = rig().withPurge({ againAfterMs: 200 });
    const purgesBefore = rig().purges;
    // Stored again right after the first purge was confirmed (before the second is scheduled).
    rig().afterPurge = async () => {
      rig().afterPurge = undefined;
      await rig().templateViaVarnish(template.id);
      expect((await rig().templateViaVarnish(template.id)).cacheStatus).toMatch(/varnish; hit$/);
    };
    await rig().rename(template.id, `${template.name} (twice)`, twice);
    expect(rig().purges).toBe(purgesBefore + 1);
    await vi.waitFor(() => expect(rig().purges).toBe(purgesBefore + 2), { timeout: 10_000, interval: 20 });
    expect((await rig().templateViaVarnish(template.id)).cacheStatus).toMatch(/varnish; fwd=miss/);
  });
});

describe('a writer that died after its commit', () => {
  it('is delivered by the relay: the invalidation first, then the purge', async () => {
    const template = await rig().templateInVarnish();
    // A writer whose Redis is unreachable: the write commits, nothing is delivered or purged
    // (the same state as a writer killed right after its commit).
    const unreachable = createCache({
      prefix: rig().deps.cacheKeyPrefix,
      redis: `redis://127.0.0.1:${await sparePort()}`,
    });
    try {
      await rig().rename(template.id, `${template.name} (relayed)`, { ...rig().deps, cache: unreachable });
    } finally {
      await unreachable.close();
    }
    expect(await rig().outboxRows()).toBe(1);
    expect((await rig().templateViaVarnish(template.id)).name).toBe(template.name);
    // A reader arriving the moment the relay's purge is confirmed must get the new answer.
    rig().afterPurge = () => rig().templateViaVarnish(template.id);
    const relay = new OutboxRelay(rig().h.db.prisma, rig().h.cache, () => {}, {
      purge: rig().deps.cdn?.purge,
    });
    expect(await relay.deliverPending(0)).toBe(1);
    expect((await rig().templateViaVarnish(template.id)).name).toBe(`${template.name} (relayed)`);
  });
});

describe('without the CDN', () => {
  it('a mutation neither purges nor waits', async () => {
    const template = await rig().templateInVarnish();
    const purgesBefore = rig().purges;
    const { api } = await rig().h.as(ADA);
    await api.templates.update({ id: template.id, name: `${template.name} (no CDN)` });
    expect(rig().purges).toBe(purgesBefore);
    expect(await rig().outboxRows()).toBe(0);
  });
});
