/** Sizes and knobs of a seed run. The defaults are the demo size (`pnpm --filter @stash/db seed`). */
export type SeedOptions = {
  agents: number;
  templates: number;
  users: number;
  workspaces: number;
  /** faker seed: the same seed gives the same rows (and ids, on an empty database). */
  seed: number;
  onProgress?: (p: SeedProgress) => void;
};

export type SeedProgress = { phase: string; done: number; total: number };

export type SeedSummary = {
  users: number;
  workspaces: number;
  memberships: number;
  agents: number;
  templates: number;
  installs: number;
  /** True when the database already held this seed and nothing was written. */
  skipped: boolean;
  durationMs: number;
};

export const DEFAULT_SEED_OPTIONS: Omit<SeedOptions, 'onProgress'> = {
  agents: 5_000,
  templates: 1_000,
  users: 50,
  workspaces: 100,
  seed: 20_240_601,
};

/** Upper bound of the `--agents` / `--scale` flags: the size the benchmarks are sized for. */
export const MAX_AGENTS = 100_000;

// Declared once, in @stash/validators, beside the schema the API validates categories with.
export { CATEGORIES, type Category } from '@stash/validators';

/**
 * Every date in the seed is derived from this instant, never from `Date.now()`, so two runs with
 * the same seed write identical timestamps. createdAt values spread over the two years before it.
 */
export const REFERENCE_DATE = new Date('2026-11-01T00:00:00.000Z');
export const SEED_WINDOW_MS = 2 * 365 * 24 * 60 * 60 * 1000;

export const DEMO_PASSWORD = 'stash-demo';

/**
 * The first seeded users, in id order (ada is user 1). Ada owns workspace 1 and is a member of
 * workspace 2 (owned by grace); grace is not a member of workspace 1, which makes the pair handy
 * for authorization demos and tests. Every seeded user signs in with DEMO_PASSWORD.
 */
export const DEMO_USER_PROFILES = [
  { email: 'ada@stash.dev', name: 'Ada Lovelace' },
  { email: 'grace@stash.dev', name: 'Grace Hopper' },
  { email: 'alan@stash.dev', name: 'Alan Turing' },
  { email: 'katherine@stash.dev', name: 'Katherine Johnson' },
] as const;
export const DEMO_USERS: readonly string[] = DEMO_USER_PROFILES.map((u) => u.email);

function positiveInt(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new Error(`seed option ${name} must be an integer >= ${min}`);
  return value;
}

export function resolveSeedOptions(opts: Partial<SeedOptions> = {}): SeedOptions {
  const o = { ...DEFAULT_SEED_OPTIONS, ...opts };
  positiveInt('agents', o.agents, 0);
  if (o.agents > MAX_AGENTS) throw new Error(`seed option agents must be <= ${MAX_AGENTS}`);
  positiveInt('templates', o.templates, 0);
  // Two users and two workspaces at least: the demo accounts and their workspaces always exist.
  positiveInt('users', o.users, 2);
  positiveInt('workspaces', o.workspaces, 2);
  positiveInt('seed', o.seed, 0);
  return o;
}

/** `--scale N` multiplies every default size (scale 20 is the 100,000-agent maximum). */
export function scaledSeedOptions(scale: number): Omit<SeedOptions, 'onProgress' | 'seed'> {
  if (!(scale > 0)) throw new Error('--scale must be a positive number');
  const n = (v: number) => Math.max(2, Math.round(v * scale));
  return {
    agents: Math.min(MAX_AGENTS, n(DEFAULT_SEED_OPTIONS.agents)),
    templates: n(DEFAULT_SEED_OPTIONS.templates),
    users: n(DEFAULT_SEED_OPTIONS.users),
    workspaces: n(DEFAULT_SEED_OPTIONS.workspaces),
  };
}
