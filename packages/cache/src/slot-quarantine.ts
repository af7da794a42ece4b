/**
 * One Redis Cluster node down must not tax every request. The circuit breaker is global, and
 * while other nodes answer it never opens, so each operation on a slot of the dead node would
 * wait its whole timeout, once per namespace a request touches (a composed read touches three).
 * After two operations in a row on a namespace fail, its next ones fail at once (the caller then
 * does what it does on any cache error: loads, or leaves the write to be retried) for a short
 * while; then one is let through again. Two, not one: a single slow reply must not send a burst
 * of readers of one key to the database. A single-node Redis has the breaker for the same job; there this
 * only spares the few calls between the first failure and the breaker opening.
 */
export class NamespaceQuarantinedError extends Error {
  constructor(namespace: string) {
    super(`cache: namespace ${namespace} is on a Redis node that just failed; not tried again yet`);
    this.name = 'NamespaceQuarantinedError';
  }
}

export class SlotQuarantine {
  private readonly until = new Map<string, number>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly ms: number) {}

  /** Throws while the namespace is quarantined; lets one call through once it is over. */
  check(namespace: string): void {
    const until = this.until.get(namespace);
    if (until === undefined) return;
    if (performance.now() < until) throw new NamespaceQuarantinedError(namespace);
    this.until.delete(namespace); // this call is the probe
  }

  failed(namespace: string): void {
    const failures = (this.failures.get(namespace) ?? 0) + 1;
    this.failures.set(namespace, failures);
    if (failures >= 2) this.until.set(namespace, performance.now() + this.ms);
  }

  succeeded(namespace: string): void {
    if (this.failures.size > 0) this.failures.delete(namespace);
    if (this.until.size > 0) this.until.delete(namespace);
  }
}
