/**
 * The CDN window's oracle for skeleton facts: each template's renames in order, and whether a
 * name a CDN served was still allowed (a newer name visible for no longer than its bound).
 */
export interface NameVersion {
  name: string;
  startedAt: number;
  /** From when every read must show it or newer, but for `boundMs`. */
  visibleFrom: number;
  /** How much later a CDN may still serve the version before it (ms). */
  boundMs: number;
  why: 'purged' | 'purge impaired' | 'crashed';
}

/** One template's renames, in order (one writer, one rename in flight at a time). */
export class NameHistory {
  readonly versions: NameVersion[];
  pending: { name: string; startedAt: number } | null = null;

  constructor(name: string) {
    this.versions = [{ name, startedAt: -Infinity, visibleFrom: -Infinity, boundMs: 0, why: 'purged' }];
  }

  /**
   * A read over [t0, t1] showed `name`: wrong when a later version had been visible longer than
   * its bound at t0. `lateMs`: how long a later version had been visible (0: current).
   */
  judge(
    name: string,
    t0: number,
    t1: number,
  ): { ok: true; lateMs: number; why?: string } | { ok: false; detail: string; lagMs: number | null } {
    const index = this.versions.findIndex((v) => v.name === name);
    if (index < 0) {
      if (this.pending?.name === name && this.pending.startedAt < t1) return { ok: true, lateMs: 0 };
      return { ok: false, detail: `name "${name}" was never written`, lagMs: null };
    }
    let lateMs = 0;
    let why: string | undefined;
    for (const later of this.versions.slice(index + 1)) {
      const lag = t0 - later.visibleFrom;
      if (lag <= 0) continue;
      if (lag > later.boundMs) {
        return {
          ok: false,
          detail: `name "${name}", but "${later.name}" (${later.why}) was visible ${Math.round(lag)} ms before the read, bound ${later.boundMs} ms`,
          lagMs: Math.round(lag),
        };
      }
      if (lag > lateMs) {
        lateMs = lag;
        why = later.why;
      }
    }
    return { ok: true, lateMs, ...(why ? { why } : {}) };
  }
}
