/** The fixed text of docs/reliability.md's "Faults" section: how the suite measures and judges. */
export const METHOD = `Measured by \`pnpm test:faults\` (\`--short\` for CI; source \`faults/\`, processes from
\`packages/harness\`). Exit status 1 when PostgreSQL disagrees with the oracle at the end, or when
a window fails (\`faults/src/verdict.ts\`, unit-tested in \`faults/test\`):

- a fault window with a wrong answer, a 5xx or an unexpected connection error;
- any request slower than the hang bound (\`--hang-bound-ms\`, 5,000 ms: 2.2 times the slowest
  request CI runs beside two busy loops recorded, an install of 2,253 ms during a cluster node
  restart, and half the 10 s after which a request is abandoned), in every window;
- a request over 2 s (a *hang*), unless \`--hangs-report-only\` (what CI passes: on a shared 2-core
  machine the load decides whether a write that waits out a timeout takes 1.9 or 2.1 s);
- a fault window whose cache hit rate is not back within 4 s (short) / 10 s (full) of the fault's
  end: back means a 1 s span of reads (5 at least) of which the cache answered (hit or stale) at
  least half the share it answered before the fault, and at least a quarter (windows start from
  an empty Redis, so the 2 s before a short window's fault are mostly cold misses). Right answers
  served from PostgreSQL forever break no read-your-writes rule; this is what catches them;
- a write committed before its instance crashed (the crash window) that the other instances
  show later than the crash bound (\`--crash-bound-ms\`, 5,000 ms) after PostgreSQL confirmed it,
  or never: the outbox relay's delivery bound;
- a window that judged fewer than 50 (short) / 200 (full) exact reads: it proves nothing;
- the calibration window when the oracle flagged nothing.

### What runs

- Its own PostgreSQL database on 127.0.0.1:5432 (migrated and seeded small, dropped at the end), its
  own \`redis-server\` on a spare port, and two \`next start\` instances of the production build
  (\`NODE_ENV=production\`, one random \`SESSION_SECRET\`, \`STASH_FAULT_INJECTION=1\`). The cluster
  window starts a 3-master Redis Cluster and two fresh instances with \`REDIS_CLUSTER_NODES\`.
  An instance takes load once it is ready the way a load balancer would probe it: \`/api/health\`
  answers (the runtime warms every read query before that, \`packages/api/src/warm-up.ts\`) and
  a first API call has answered (\`next start\` loads a route's modules on its first request).
- Closed-loop clients, loopback only, bounded in time and count per window. Mix: 40 % \`marketplace.search\`
  (Zipf, s = 1, over 200 distinct searches), 25 % \`marketplace.agent\` (Zipf over the 40 agents
  that are written), 12 % \`workspaces.byId\`, 12 % \`workspaces.installState\` (a page of 10 of those
  agents), 6 % \`workspaces.mine\`, 5 % \`installs.install\`/\`installs.uninstall\` by a member of the
  workspace; workspaces are Zipf-popular too. Every seeded user is signed in.

### How the oracle judges

- Writes to one agent are serialized (one in flight per agent, any workspace), so each agent has a
  linear history of versions (install count, workspaces it is installed in). A version becomes
  *visible* when its write returns.
- A read sent at t0 and answered at t1 may show the newest version visible before t0, or any newer
  one whose write started before t1 (in flight during the read). Anything older is a **wrong
  answer**: it started after a write returned and shows the state from before it. Concurrent writes
  therefore never make a false positive.
- Each fact is due from the write that set it: every write sets the agent's install count, and only
  the writes that toggled a workspace set whether the agent is installed there. A write promises its
  own facts, not an earlier write's: after a write whose outcome is unknown (below), a later write to
  the same agent in another workspace makes the count due at once but leaves the first write's
  workspace to its own bound.
- Judged exactly: \`marketplace.agent\` install count; \`workspaces.byId\` (which of the 40 agents are
  installed, and their cards' install counts); \`workspaces.installState\`; \`workspaces.mine\` (each
  workspace's install count must lie in the range the acceptable versions allow).
- Marketplace lists are allowed to lag: for \`marketplace.search\` the suite only measures how old the
  install counts shown are (ms since a newer count became visible) and reports it as "list lag".
- A write whose outcome is unknown (5xx, dropped connection, the crash hook) is settled by reading
  PostgreSQL; reads must show that state from then on (for the crash write, and any other write that
  died with the instance a window killed: from then plus the stated crash bound, the time the
  redelivery of its invalidation may take). At the end PostgreSQL
  must equal the oracle's last version of every written agent.
- **Calibration** ("oracle self-check"): writes go straight into PostgreSQL, skipping the API and its
  invalidation. The oracle must flag reads there, or it is blind and the run fails.
- Every window starts clean: an empty Redis and freshly started instances, so entries a previous
  window left stale (they live until their TTL) are never counted against the next one.

### Columns

- *hangs*: requests over 2 s. Requests are abandoned after 10 s. On a shared 2-core machine
  hangs follow the load average printed with each run; a wrong answer does not depend on timing.
- *slowest*: the window's slowest request, judged against the hang bound.
- *conn. errors*: no HTTP answer; in brackets those on an instance the window killed on purpose
  (not counted as failures).
- *cache \`error\`*: responses whose \`x-stash-cache\` said \`error\` (the user still got the resolver's answer).
- *p99 during fault*: of requests sent while the fault was being injected.
- *recovery*: from the end of the fault to the end of the last request that a user would have
  noticed (wrong, 5xx, hang, unexpected connection error); "not recovered" when such requests were
  still being sent in the window's last second.
- *hit rate before; back after*: the share of reads the cache answered in the window before the
  fault, and when it was back after the fault (see above; "not recovered": never in the window).`;
