/**
 * A throw-away varnishd in front of an HTTP backend: its own spare port, work directory and
 * cache, the repository's VCL (cdn/stash.vcl) filled in with the backend's address. varnishd
 * daemonizes, so it is no child of ours: it is stopped by the pid it writes (-P).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sleep, waitUntil } from './child';
import { freePort } from './ports';

const run = promisify(execFile);

export const STASH_VCL = fileURLToPath(new URL('../../../cdn/stash.vcl', import.meta.url));

export interface VarnishOptions {
  /** The app behind it, e.g. `http://127.0.0.1:3000`. */
  backend: string;
  /** Default: a free port. */
  port?: number;
  /** Default: cdn/stash.vcl. */
  vclTemplate?: string;
}

export interface Varnish {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** The template with the backend filled in; refuses a template that still has a placeholder. */
export function renderVcl(template: string, backend: string): string {
  const target = new URL(backend);
  const vcl = template
    .replaceAll('{{BACKEND_HOST}}', target.hostname.replace(/^\[|\]$/g, ''))
    .replaceAll('{{BACKEND_PORT}}', target.port || (target.protocol === 'https:' ? '443' : '80'));
  const left = /\{\{[A-Z_]+\}\}/.exec(vcl);
  if (left) throw new Error(`VCL template: no value for ${left[0]}`);
  return vcl;
}

export async function startVarnish(options: VarnishOptions): Promise<Varnish> {
  const dir = mkdtempSync(join(tmpdir(), 'stash-varnish-'));
  // varnishd runs its cache process as an unprivileged user (vcache) that must reach the
  // compiled VCL inside the work directory; mkdtemp makes the directory owner-only.
  chmodSync(dir, 0o755);
  const vclPath = join(dir, 'stash.vcl');
  const pidFile = join(dir, 'varnishd.pid');
  writeFileSync(vclPath, renderVcl(readFileSync(options.vclTemplate ?? STASH_VCL, 'utf8'), options.backend));
  const port = options.port ?? (await freePort());
  const args = [
    '-a',
    `127.0.0.1:${port}`,
    '-f',
    vclPath,
    '-n',
    join(dir, 'work'),
    '-s',
    'malloc,64m',
    '-P',
    pidFile,
  ];
  try {
    // Returns once the manager has daemonized and the cache process has compiled the VCL.
    await run('varnishd', args, { timeout: 60_000 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new Error('varnishd is not installed: apt-get install -y varnish varnish-modules (.ci/run does)');
    }
    throw new Error(`varnishd did not start (${args.join(' ')}):\n${err.stderr ?? err.message}`);
  }
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopPid(pid);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Any answer will do (a 503 when the backend is not up yet): Varnish itself is listening.
    await waitUntil(async () => (await fetch(`${url}/`, { method: 'HEAD' })).status > 0, {
      what: `varnishd on ${port}`,
      timeoutMs: 10_000,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, pid, stop };
}

/** SIGTERM (the manager stops its cache process), SIGKILL after 10 s; resolves once it is gone. */
async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await sleep(50);
  }
}

/** Running: exists and is not a zombie waiting for a parent that never reaps it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; Z is a zombie.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
