// Processes for the fault suite, the load benchmarks and the e2e test: spare ports, throw-away
// redis-server nodes and clusters, production `next start` instances, and varnishd (the CDN tier).

export { startBusyLoops } from './busy';
export { sleep, stopChild } from './child';
export { freePort, sparePort } from './ports';
export { type RedisCluster, type RedisServer, startRedisCluster, startRedisServer } from './redis';
export { type Rig, type RigOptions, startRig } from './rig';
export { sourceState } from './source';
export { type CacheBackend, type Stack, type StackOptions, startStack } from './stack';
export { startTcpGate, type TcpGate, type TcpTarget } from './tcp-gate';
export { Teardown } from './teardown';
export { renderVcl, STASH_VCL, startVarnish, type Varnish, type VarnishOptions } from './varnish';
export { ensureWebBuild, startWebApp, type WebApp, type WebAppOptions } from './web';
export * from './workload/index';
