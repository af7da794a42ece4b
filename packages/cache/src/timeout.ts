/** Bounds every cache operation: a slow or dead store costs at most `ms`, never more. */
export class CacheTimeoutError extends Error {
  constructor(label: string, ms: number) {
    super(`cache ${label} timed out after ${ms} ms`);
    this.name = 'CacheTimeoutError';
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  // One promise and one timer per operation: this wraps every store call on the hot path.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CacheTimeoutError(label, ms)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
