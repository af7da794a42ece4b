/**
 * The mixed workload: Zipf-distributed searches and agent details, workspace
 * reads by signed-in members, and about 5 % installs/uninstalls. Used by the fault suite (which
 * adds an oracle) and by the mixed-workload benchmark (which counts cache outcomes).
 */
import { type HttpCall, mutationCall, queryCall } from './trpc';
import type { SearchInput, World } from './world';
import { pick, seededRandom, zipfSampler } from './zipf';

export type ReadOp =
  | { kind: 'search'; input: SearchInput }
  | { kind: 'agent'; agentId: number }
  | { kind: 'byId'; userId: number; workspaceId: number }
  | { kind: 'installState'; userId: number; workspaceId: number; agentIds: number[] }
  | { kind: 'mine'; userId: number };

export interface WriteOp {
  kind: 'install' | 'uninstall';
  userId: number;
  workspaceId: number;
  agentId: number;
}

export type Op = ReadOp | WriteOp;
export type OpKind = Op['kind'] | 'write';

/** Shares of each kind of call; `write` is split into install/uninstall by the caller's state. */
export const MIX: Readonly<Record<Exclude<OpKind, 'install' | 'uninstall'>, number>> = {
  search: 0.4,
  agent: 0.25,
  byId: 0.12,
  installState: 0.12,
  mine: 0.06,
  write: 0.05,
};

const ZIPF_S = 1.0;
/** Agent ids per installState call (one marketplace page of cards). */
const PAGE = 10;

export class Workload {
  readonly random: () => number;
  private readonly searchRank: () => number;
  private readonly agentRank: () => number;
  private readonly workspaceRank: () => number;

  constructor(
    readonly world: World,
    seed: number,
  ) {
    this.random = seededRandom(seed);
    this.searchRank = zipfSampler(world.searches.length, ZIPF_S, this.random);
    this.agentRank = zipfSampler(world.agents.length, ZIPF_S, this.random);
    this.workspaceRank = zipfSampler(world.workspaceIds.length, ZIPF_S, this.random);
  }

  kind(): keyof typeof MIX {
    let u = this.random();
    for (const [kind, share] of Object.entries(MIX) as [keyof typeof MIX, number][]) {
      u -= share;
      if (u < 0) return kind;
    }
    return 'search';
  }

  /** A Zipf-popular agent of the write pool. */
  agent(): number {
    return this.world.agents[this.agentRank()] ?? this.world.agents[0] ?? 1;
  }

  /** A Zipf-popular workspace and one of its members: who may read it and install there. */
  writer(): { userId: number; workspaceId: number } {
    const workspaceId = this.world.workspaceIds[this.workspaceRank()] ?? 1;
    return { workspaceId, userId: pick(this.world.members.get(workspaceId) ?? [], this.random) };
  }

  read(kind: Exclude<keyof typeof MIX, 'write'>): ReadOp {
    const world = this.world;
    switch (kind) {
      case 'search':
        return { kind, input: world.searches[this.searchRank()] ?? { sortBy: 'trending' } };
      case 'agent':
        return { kind, agentId: this.agent() };
      case 'mine':
        return { kind, userId: pick(world.users, this.random).id };
      case 'byId':
        return { kind, ...this.writer() };
      case 'installState': {
        // What a marketplace page asks: the ids of one page of cards, popular pages more often.
        const agents = world.agents;
        const start = (this.searchRank() * PAGE) % agents.length;
        const agentIds = Array.from(
          { length: Math.min(PAGE, agents.length) },
          (_, i) => agents[(start + i) % agents.length] ?? 1,
        );
        return { kind, ...this.writer(), agentIds };
      }
    }
  }
}

export function callFor(op: Op): HttpCall {
  switch (op.kind) {
    case 'search':
      return queryCall('marketplace.search', op.input);
    case 'agent':
      return queryCall('marketplace.agent', { id: op.agentId });
    case 'byId':
      return queryCall('workspaces.byId', { workspaceId: op.workspaceId });
    case 'installState':
      return queryCall('workspaces.installState', { workspaceId: op.workspaceId, agentIds: op.agentIds });
    case 'mine':
      return queryCall('workspaces.mine');
    case 'install':
    case 'uninstall':
      return mutationCall(`installs.${op.kind}`, { workspaceId: op.workspaceId, agentId: op.agentId });
  }
}

/** The user whose cookie a call needs (public reads need none). */
export function userOf(op: Op): number | null {
  return 'userId' in op ? op.userId : null;
}
