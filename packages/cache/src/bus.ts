/**
 * Invalidation bus on Redis pub/sub. Every instance subscribes; invalidateTags / delete publish
 * what changed, and receivers drop their L1 copies. Pub/sub is fire-and-forget, so the bus
 * also reports when it is down (disconnected or not yet subscribed): while it is down the
 * engine neither reads nor writes L1, and it clears L1 when the bus goes down, because any
 * message sent meanwhile is lost for good.
 */
import { closeClient, createRedisClient, type RedisClient } from './stores/redis-client';
import type { RedisConfig } from './types';

export interface BusMessage {
  /** Origin instance id: an instance has already applied its own messages locally. */
  o: string;
  /** Invalidated tags (prefix invalidations travel as their implicit prefix tag). */
  t?: string[];
  s?: boolean;
  /** Deleted keys. */
  k?: string[];
  /** Newly registered namespaces (so invalidations fan out to them). */
  n?: string[];
}

export interface BusHandlers {
  message(message: BusMessage): void;
  up(): void;
  down(): void;
}

export class InvalidationBus {
  private readonly subscriber: RedisClient;
  private live = false;
  private closed = false;

  constructor(
    config: RedisConfig,
    private readonly channel: string,
    private readonly handlers: BusHandlers,
  ) {
    this.subscriber = createRedisClient(config, 'subscriber');
    this.subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      try {
        this.handlers.message(JSON.parse(raw) as BusMessage);
      } catch {
        // A malformed message must not take the subscriber down.
      }
    });
    this.subscriber.on('ready', () => void this.subscribe());
    // Connection-level events only: a Cluster re-homes its subscriber on node changes itself.
    for (const event of ['close', 'reconnecting', 'end']) {
      this.subscriber.on(event, () => this.markDown());
    }
    void this.subscribe();
  }

  get isUp(): boolean {
    return this.live;
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      if (this.closed || this.live || this.subscriber.status !== 'ready') return;
      this.live = true;
      this.handlers.up();
    } catch {
      // Retried on the next 'ready'.
    }
  }

  private markDown(): void {
    if (!this.live) return;
    this.live = false;
    this.handlers.down();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.markDown();
    await closeClient(this.subscriber);
  }
}
