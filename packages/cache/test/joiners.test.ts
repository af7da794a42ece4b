/**
 * A read that starts after a write returned never sees the old value, even when it finds a fill
 * for the same key already running in its own process: that fill may have read the database
 * before the write. Instance B cannot know of instance A's write (no bus without L1, or the bus
 * message still on its way), so the rule is local: a caller takes a shared answer only if the
 * store checked that answer after the caller started.
 */
import { describe, expect, it } from 'vitest';
import { createCache } from '../src/index';
import { heldLoader } from './support/gate';
import { pair } from './support/two-instances';

describe('a read that joins a fill already running', () => {
  for (const l1 of [false, true] as const) {
    it(`gets the value from after a write on another instance that returned before it started (L1 ${l1 ? 'on' : 'off'})`, async () => {
      const { a, b, key } = await pair(l1 ? {} : { l1: false });
      let db = 'old';
      const { loader, started, release } = heldLoader(() => db);
      const options = { ttlMs: 60_000, tags: ['agent:1'] };
      const early = b.fetch(key('joined'), loader, options);
      await started; // B's fill has read the database: it holds 'old'
      db = 'new';
      await a.invalidateTags(['agent:1']); // A's mutation returns here
      const late = b.fetch(key('joined'), async () => db, options);
      release();
      expect((await early).value).toBe('old'); // began before the write: either answer is right
      expect((await late).value).toBe('new');
    });
  }

  it('gets the primed value from after a write-through on another instance (L1 off)', async () => {
    const { a, b, key } = await pair({ l1: false });
    let count = 5;
    const { loader, started, release } = heldLoader(() => count);
    const options = { ttlMs: 60_000, tags: ['agent:1:installs'] };
    const early = b.fetch(key('count'), loader, options);
    await started;
    const since = await a.clockBefore('agents.list');
    if (since === undefined) throw new Error('no clock');
    count = 6; // committed
    await a.prime(key('count'), 6, options, since); // A's install returns here
    const late = b.fetch(key('count'), async () => count, options);
    release();
    await early;
    expect((await late).value).toBe(6);
  });

  it('memory store: a read after an invalidation does not take the older fill', async () => {
    const cache = createCache({ prefix: 'joiners-memory' });
    let db = 'old';
    const { loader, started, release } = heldLoader(() => db);
    const options = { ttlMs: 60_000, tags: ['agent:1'] };
    const early = cache.fetch('{agents.list}:k', loader, options);
    await started;
    db = 'new';
    await cache.invalidateTags(['agent:1']);
    const late = cache.fetch('{agents.list}:k', async () => db, options);
    release();
    await early;
    expect((await late).value).toBe('new');
    await cache.close();
  });
});
