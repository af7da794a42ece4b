/** Splitting keys into purge requests a CDN accepts: at most so many keys, and so many bytes. */

export interface BatchLimits {
  maxKeys: number;
  /** Bytes of the keys joined by a one-byte separator. */
  maxBytes: number;
}

export function batches(keys: readonly string[], limits: BatchLimits): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const key of keys) {
    if (key.length > limits.maxBytes)
      throw new Error(`key of ${key.length} bytes exceeds ${limits.maxBytes}`);
    const added = current.length === 0 ? key.length : key.length + 1;
    if (current.length > 0 && (current.length >= limits.maxKeys || bytes + added > limits.maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    bytes += current.length === 0 ? key.length : key.length + 1;
    current.push(key);
  }
  if (current.length > 0) out.push(current);
  return out;
}
