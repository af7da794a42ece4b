/** `DATABASE_REPLICA_URLS`: comma-separated connection strings, none by default. */
export function replicaUrlsFrom(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.length > 0);
}
