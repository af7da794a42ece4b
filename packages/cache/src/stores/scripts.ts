/**
 * Lua scripts by SHA, without ioredis's `defineCommand`. A defined command makes every
 * `pipeline()` copy all of them onto the new pipeline (12 properties here, ~10 µs per pipeline
 * on the bench machine; a cache miss builds one, an invalidation one). Here the SHA is computed
 * once; a call sends EVALSHA and, when Redis does not know the script (restart, SCRIPT FLUSH),
 * sends EVAL, which also loads it for next time.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client';

export type Args = Array<string | number>;

export class Script {
  readonly sha: string;

  constructor(
    readonly lua: string,
    readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  run(client: RedisClient, args: Args): Promise<unknown> {
    return client
      .evalsha(this.sha, this.numberOfKeys, ...args)
      .catch((error: unknown) =>
        isNoScript(error) ? client.eval(this.lua, this.numberOfKeys, ...args) : Promise.reject(error),
      );
  }

  /** Queued in a pipeline: the caller runs `run` again for a NOSCRIPT reply (see isNoScript). */
  queue(pipeline: ReturnType<RedisClient['pipeline']>, args: Args): void {
    pipeline.evalsha(this.sha, this.numberOfKeys, ...args);
  }
}

export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
