/**
 * A throw-away PostgreSQL primary and a streaming replica on this machine, for tests of replica
 * routing: real WAL shipping, and a replica that applies each commit `applyDelayMs` late
 * (`recovery_min_apply_delay`), so replication lag is real and repeatable. Recipe and why:
 * docs/database.md, "A primary and a replica for tests".
 *
 * Both servers live in one temp directory owned by `postgres` (PostgreSQL refuses to run as
 * root; as another user they run as that user), listen on loopback ports the OS said were free,
 * and are stopped with `-m immediate` and removed by `stop()`.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const exec = promisify(execFile);

export interface ReplicatedPostgresOptions {
  /** How late the replica applies each commit (`recovery_min_apply_delay`). Default 500 ms. */
  applyDelayMs?: number;
}

export interface ReplicatedPostgres {
  /** Connection strings to the database `stash` (created empty on the primary, replicated). */
  primaryUrl: string;
  replicaUrl: string;
  /** Stops the replica at once (`-m immediate`, like a crash): connections to it fail. */
  stopReplica(): Promise<void>;
  /** Starts it again; it catches up from the primary by streaming. */
  startReplica(): Promise<void>;
  /** Stops both and removes their files. */
  stop(): Promise<void>;
}

/** A loopback port the OS calls free now (PostgreSQL binds it a moment later). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function untilConnects(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function startReplicatedPostgres(
  options: ReplicatedPostgresOptions = {},
): Promise<ReplicatedPostgres> {
  const bin = (await exec('pg_config', ['--bindir'])).stdout.trim();
  const asRoot = process.getuid?.() === 0;
  // The server's own user: root may not run it, so root hands everything to `postgres`.
  const run = (tool: string, args: string[]) =>
    asRoot
      ? exec('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args])
      : exec(join(bin, tool), args);
  const dir = mkdtempSync(join(tmpdir(), 'stash-replica-'));
  if (asRoot) await exec('chown', ['postgres:postgres', dir]);
  const primaryDir = join(dir, 'primary');
  const replicaDir = join(dir, 'replica');
  const [primaryPort, replicaPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const delay = options.applyDelayMs ?? 500;
  const pgCtl = (dataDir: string, ...args: string[]) =>
    run('pg_ctl', ['-D', dataDir, '-l', `${dataDir}.log`, '-w', '-t', '60', ...args]);

  const stopAll = async () => {
    for (const dataDir of [replicaDir, primaryDir])
      await pgCtl(dataDir, 'stop', '-m', 'immediate').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run('initdb', ['-D', primaryDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    appendFileSync(
      join(primaryDir, 'postgresql.conf'),
      [
        `port = ${primaryPort}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${dir}'`,
        'wal_level = replica',
        'max_wal_senders = 4',
        // A test server: losing it in a crash costs nothing, and fsync costs the shared disk.
        'fsync = off',
        '',
      ].join('\n'),
    );
    appendFileSync(join(primaryDir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
    await pgCtl(primaryDir, 'start');
    await run('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
    ]);
    // Later lines win: the copied config is the primary's.
    appendFileSync(
      join(replicaDir, 'postgresql.conf'),
      [`port = ${replicaPort}`, `recovery_min_apply_delay = '${delay}ms'`, ''].join('\n'),
    );
    await pgCtl(replicaDir, 'start');
    const admin = new pg.Client({
      connectionString: `postgresql://postgres@127.0.0.1:${primaryPort}/postgres`,
    });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE stash');
    } finally {
      await admin.end();
    }
    // CREATE DATABASE reaches the replica one apply delay later: ready once it can be opened.
    await untilConnects(`postgresql://postgres@127.0.0.1:${replicaPort}/stash`, 30_000);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    primaryUrl: `postgresql://postgres@127.0.0.1:${primaryPort}/stash`,
    replicaUrl: `postgresql://postgres@127.0.0.1:${replicaPort}/stash`,
    stopReplica: () => pgCtl(replicaDir, 'stop', '-m', 'immediate').then(() => undefined),
    startReplica: () => pgCtl(replicaDir, 'start').then(() => undefined),
    stop: stopAll,
  };
}
