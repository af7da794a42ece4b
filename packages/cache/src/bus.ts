/**
 * Invalidation bus on Redis pub/sub. Every instance subscribes; invalidateTags / delete publish
 * what changed, and receivers drop their L1 copies.
 *
 * Pub/sub is fire-and-forget: a message sent while the subscriber connection is down is lost.
 * Two checks, so that no loss goes unnoticed:
 * - Per connection: the subscriber is one plain connection (on a Cluster too, see
 *   `subscriberConnections`), and any close, reconnect or end of it counts as a gap at once.
 * - Proven liveness, for what no event reports (a half-open socket): each instance publishes a
 *   heartbeat every `heartbeatMs` on the same channel, through its command connection, and
 *   counts itself as hearing the bus only while its own heartbeat came back within `deadlineMs`.
 * After a gap, L1 is cleared (any message sent meanwhile may be lost) and bypassed until a
 * heartbeat arrives again, i.e. until this subscriber provably hears what is published now.
 */
import { closeClient, type RedisClient } from './stores/redis-client';

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
  private subscriber: RedisClient;
  private readonly heartbeat: string;
  private readonly timer: NodeJS.Timeout;
  private lastHeard = Number.NEGATIVE_INFINITY;
  private live = false;
  private closed = false;

  constructor(
    /** Opens a subscriber connection (the next node's, on a Cluster). */
    private readonly connect: () => RedisClient,
    private readonly channel: string,
    private readonly origin: string,
    private readonly timing: BusTiming,
    private readonly handlers: BusHandlers,
  ) {
    this.heartbeat = JSON.stringify({ o: origin, h: 1 } satisfies BusMessage);
    this.subscriber = this.subscribe(connect());
    this.timer = setInterval(() => this.beat(), timing.heartbeatMs);
    this.timer.unref();
    this.beat();
  }

  private subscribe(client: RedisClient): RedisClient {
    client.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.receive(raw);
    });
    // Any drop of this connection may have lost messages: a gap now, not at the deadline.
    for (const event of ['close', 'reconnecting', 'end']) client.on(event, () => this.markDown());
    // Given up on (a node that stays away): subscribe through a new connection.
    client.once('end', () => {
      if (!this.closed && this.subscriber === client) this.subscriber = this.subscribe(this.connect());
    });
    client.subscribe(this.channel).catch(() => {
      // ioredis re-subscribes by itself after reconnecting; the heartbeat tells when it worked.
    });
    return client;
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
