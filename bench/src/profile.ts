/**
 * Reads a `.cpuprofile` written by `node --cpu-prof` and says where the time went: self time per
 * library (bucket), inclusive time of a few functions on the request path, and the top functions.
 * Only samples inside the load window count (V8's profile clock and `process.hrtime` are both the
 * monotonic clock), so process start-up and module compilation stay out of the numbers.
 */
import { readFileSync } from 'node:fs';
import { sourceFrameOf } from './source-frames';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const BUCKETS: [string, RegExp][] = [
  ['tRPC (@trpc/server)', /@trpc\+server/],
  ['superjson', /superjson|copy-anything|is-what/],
  ['@stash/cache', /packages\/cache\/src/],
  ['@stash/api', /packages\/api\/src/],
  ['ioredis', /ioredis|redis-parser|denque|cluster-key-slot|standard-as-callback/],
  ['zod', /\/zod@/],
  ['iron-session (cookie)', /iron-session|iron-webcrypto|uncrypto/],
  ['bench adapter (IncomingMessage <-> fetch)', /\/bench\/src\//],
  ['undici (Request/Response/Headers)', /undici|internal\/deps\/undici|internal\/webstreams/],
  ['node core (http, net, streams, timers)', /^node:/],
  ['Next.js (next/dist: server, routing, route modules)', /\/next\/dist\//],
  ['apps/web build (.next/server: the app and the @stash packages it bundles)', /\.next\/server\//],
];

/** Inclusive time of these functions (matched by name and file); stacks split at each await. */
const MARKERS: [string, string, RegExp][] = [
  ['tRPC fetchRequestHandler (sync parts)', 'fetchRequestHandler', /@trpc\+server/],
  ['tRPC resolveResponse (sync parts)', 'resolveResponse', /@trpc\+server/],
  ['CacheEngine.fetch (key lookup, L1 read)', 'fetch', /packages\/cache\/src\/cache\.ts/],
  ['cache deserialize (superjson.parse of L1/Redis payload)', 'deserialize', /packages\/cache\/src/],
  ['superjson.serialize (tRPC output transform)', 'serialize', /superjson/],
  ['JSON.stringify (any caller)', 'stringify', /^$/],
  ['buildCacheKey (canonicalize + sha256)', 'buildCacheKey', /packages\/cache\/src\/keys\.ts/],
  ['createContextFromRequest (session cookie)', 'createContextFromRequest', /packages\/api\/src/],
  ['ioredis sendCommand', 'sendCommand', /ioredis/],
];

/** Native frames with no script URL that are Node's socket writes, not V8 builtins. */
const NODE_NATIVES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'close']);

function bucketOf(frame: CallFrame): string {
  if (frame.url === '') {
    if (frame.functionName.startsWith('(')) return frame.functionName;
    if (NODE_NATIVES.has(frame.functionName)) return 'node core (http, net, streams, timers)';
    return 'V8 builtins (JSON, microtasks, ...)';
  }
  return (
    BUCKETS.find(([, re]) => re.test(frame.url))?.[0] ??
    `other: ${frame.url.replace(/^.*node_modules\//, '')}`
  );
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/**
 * `window` is [start, end] in microseconds of the monotonic clock (process.hrtime.bigint() / 1000);
 * `requests`, how many the load completed in it (for CPU time per request).
 */
export function summarizeProfile(file: string, window?: [number, number], requests?: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const inWindow = window && window[0] >= profile.startTime && window[1] <= profile.endTime;
  const self = new Map<number, number>();
  const inclusive = new Map<string, number>();
  // The app's own functions in the Next build, by source (source-frames.ts), inclusive.
  const sourceNames = new Map<number, string | null>();
  const sourceOf = (id: number, frame: CallFrame) => {
    let name = sourceNames.get(id);
    if (name === undefined) {
      name = sourceFrameOf(frame);
      sourceNames.set(id, name);
    }
    return name;
  };
  const appInclusive = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (inWindow && (t < window[0] || t > window[1])) return;
    total += delta;
    self.set(id, (self.get(id) ?? 0) + delta);
    const seen = new Set<string>();
    const seenInApp = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame) break;
      for (const [label, name, url] of MARKERS) {
        if (frame.functionName === name && url.test(frame.url)) seen.add(label);
      }
      const source = sourceOf(cur, frame);
      if (source) seenInApp.add(source);
    }
    for (const label of seen) inclusive.set(label, (inclusive.get(label) ?? 0) + delta);
    for (const name of seenInApp) appInclusive.set(name, (appInclusive.get(name) ?? 0) + delta);
  });

  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const bucket = bucketOf(frame);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const where = frame.url
      ? ` ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(packages|bench|apps)\//, '$1/')}:${frame.lineNumber + 1}`
      : '';
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const busy = total - (buckets.get('(idle)') ?? 0);
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const lines = [
    `profile: ${file}`,
    `window: ${inWindow ? 'load only' : 'whole process (window not inside the profile)'}, ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy`,
    '',
    'self time by bucket (% of busy):',
    ...sorted(buckets)
      .filter(([name]) => name !== '(idle)')
      .map(([name, us]) => `  ${pct(us, busy).padStart(6)}  ${name}`),
    '',
    'inclusive time of request-path functions (% of busy):',
    ...MARKERS.map(([label]) => `  ${pct(inclusive.get(label) ?? 0, busy).padStart(6)}  ${label}`),
    '',
    'top self-time functions (% of busy):',
    ...sorted(functions)
      .filter(([name]) => name !== '(idle)')
      .slice(0, 25)
      .map(([name, us]) => `  ${pct(us, busy).padStart(6)}  ${name}`),
  ];
  if (requests) {
    const perRequest = (us: number) => `${(us / requests).toFixed(1).padStart(7)} µs`;
    lines.push('', `CPU per request: ${perRequest(busy).trim()} (busy time / ${requests} requests)`);
    if (appInclusive.size > 0) {
      lines.push(
        '',
        "the app's own functions in the Next build, inclusive CPU per request (through its source maps; stacks cut at each await):",
        ...sorted(appInclusive)
          .slice(0, 45)
          .map(([name, us]) => `  ${perRequest(us)}  ${name}`),
      );
    }
  }
  return lines.join('\n');
}
