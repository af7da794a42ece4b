/**
 * /api/health is public: when the database is down it says so, but never with the driver's own
 * text (hosts, user names, SQL), which goes to the server log instead.
 */
import type { ApiRuntime } from '@stash/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkHealth } from '../src/server/health';

const SECRET_TEXT = 'password authentication failed for user "stash" at db.internal:5432';

function runtimeWithDatabase(query: () => Promise<unknown>) {
  return async () =>
    ({
      databaseEmbedded: false,
      config: { redis: undefined },
      deps: {
        prisma: { $queryRaw: query },
        cache: { stats: () => ({ breaker: 'closed', l1: { entries: 0 } }) },
      },
    }) as unknown as ApiRuntime;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('/api/health', () => {
  it('answers 200 while the database answers', async () => {
    const answer = await checkHealth(runtimeWithDatabase(async () => [{ '?column?': 1 }]));
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
  });

  it('answers 503 with a generic message when the database is down, and logs the real error', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const answer = await checkHealth(
      runtimeWithDatabase(async () => {
        throw new Error(SECRET_TEXT);
      }),
    );
    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.body)).not.toContain('db.internal');
    expect(answer.body.database).toMatchObject({ ok: false, error: 'The database is not answering.' });
    expect(log.mock.calls.flat().map(String).join(' ')).toContain('db.internal');
  });

  it('answers 503 with a generic message when the runtime cannot start', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const answer = await checkHealth(async () => {
      throw new Error(`connect ECONNREFUSED ${SECRET_TEXT}`);
    });
    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.body)).not.toContain('db.internal');
    expect(log).toHaveBeenCalled();
  });
});
