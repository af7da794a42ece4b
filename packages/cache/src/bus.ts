/**
 * Invalidation bus on Redis pub/sub. Every instance subscribes; invalidateTags / delete publish
 * what changed, and receivers drop their L1 copies.
 *
 * Pub/sub is fire-and-forget, and connection events do not tell whether we still hear it
 * (ioredis's Cluster re-homes its subscriber without a word; a half-open socket says nothing).
 * So liveness is proven, not assumed: each instance publishes a heartbeat every `heartbeatMs`
 * on the same channel, through its command connection, and counts itself as hearing the bus
 * only while its own heartbeat came back within `deadlineMs`. When it stops hearing it, L1 is
 * cleared (any message sent meanwhile may be lost) and bypassed until a heartbeat arrives again.
 */
import type { ConnectionOptions } from 'node:tls';
import { closeClient, createRedisClient, type RedisClient } from './stores/redis-client';
import type { RedisConfig } from './types';

export interface BusMessage {
  /** Origin instance id: an instance has already applied its own messages locally. */
  o: string;
  /** Invalidated tags. */
  t?: string[];
  s?: boolean;
  /** Deleted keys. */
  k?: string[];
  /** Newly registered namespaces (so invalidations fan out to them). */
  n?: string[];
  /** Heartbeat: proves the publishing instance's round trip through the bus. */
  h?: 1;
}

export interface BusHandlers {
  message(message: BusMessage): void;
  up(): void;
  down(): void;
  /** Publishes through the command connection (a subscribed connection cannot publish). */
  publish(message: string): Promise<void>;
}

export interface BusTiming {
  heartbeatMs: number;
  deadlineMs: number;
}

export class InvalidationBus {
  private readonly subscriber: RedisClient;
  private readonly heartbeat: string;
  private readonly timer: NodeJS.Timeout;
  private lastHeard = Number.NEGATIVE_INFINITY;
  private live = false;
  private closed = false;

  constructor(
    config: RedisConfig,
    tls: ConnectionOptions | undefined,
    private readonly channel: string,
    private readonly origin: string,
    private readonly timing: BusTiming,
    private readonly handlers: BusHandlers,
  ) {
    this.heartbeat = JSON.stringify({ o: origin, h: 1 } satisfies BusMessage);
    this.subscriber = createRedisClient(config, 'subscriber', tls);
    this.subscriber.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.receive(raw);
    });
    // A dropped connection is the one loss we do hear about: do not wait for the deadline.
    for (const event of ['close', 'reconnecting', 'end']) this.subscriber.on(event, () => this.markDown());
    this.subscriber.subscribe(this.channel).catch(() => {
      // ioredis re-subscribes by itself after reconnecting; the heartbeat tells when it worked.
    });
    this.timer = setInterval(() => this.beat(), timing.heartbeatMs);
    this.timer.unref();
    this.beat();
  }

  /** Whether this instance provably hears the bus now. Cheap: called on every L1 read. */
  get isUp(): boolean {
    if (!this.live) return false;
    if (performance.now() - this.lastHeard <= this.timing.deadlineMs) return true;
    this.markDown();
    return false;
  }

  private beat(): void {
    if (this.closed) return;
    void this.isUp; // notice a missed deadline even when nobody reads L1
    this.handlers.publish(this.heartbeat).catch(() => {});
  }

  private receive(raw: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(raw) as BusMessage;
    } catch {
      return; // a malformed message must not take the subscriber down
    }
    if (message.h === 1) {
      if (message.o !== this.origin) return;
      this.lastHeard = performance.now();
      if (!this.live && !this.closed) {
        this.live = true;
        this.handlers.up();
      }
      return;
    }
    this.handlers.message(message);
  }

  private markDown(): void {
    if (!this.live) return;
    this.live = false;
    this.handlers.down();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.markDown();
    await closeClient(this.subscriber);
  }
}
