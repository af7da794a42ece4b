// Processes for the fault suite, the load benchmarks and the e2e test: spare ports, throw-away
// redis-server nodes and clusters, and production `next start` instances.

export { startBusyLoops } from './busy';
export { sleep, stopChild } from './child';
export { freePort, sparePort } from './ports';
export { type RedisCluster, type RedisServer, startRedisCluster, startRedisServer } from './redis';
export { type Rig, type RigOptions, startRig } from './rig';
export { sourceState } from './source';
export { type CacheBackend, type Stack, type StackOptions, startStack } from './stack';
export { Teardown } from './teardown';
export { ensureWebBuild, startWebApp, type WebApp, type WebAppOptions } from './web';
export * from './workload/index';
