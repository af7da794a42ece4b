export { replicaUrlsFrom } from './config';
export { formatLsn, parseLsn } from './lsn';
export { type OpenedReplicas, openReplicas } from './open-replicas';
export { primaryPosition } from './position';
export {
  type FillCounts,
  ReadRouter,
  type ReadRouterOptions,
  type ReadSource,
  type Replica,
  replayCheck,
} from './read-router';
