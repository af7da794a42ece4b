/**
 * `pnpm cdn`: Varnish with cdn/stash.vcl in front of the app, printing its URL.
 *
 *   pnpm cdn                                    starts the demo app (`pnpm demo`, on PORT or 3000)
 *                                               and Varnish in front of it; the demo runs with
 *                                               STASH_CDN=varnish and this Varnish's URL, so its
 *                                               writes purge it
 *   pnpm cdn --backend=http://127.0.0.1:3000    Varnish in front of an app already running there
 *   --port=6081                                 Varnish's port (default 6081, Varnish's usual)
 *
 * Ctrl-C stops Varnish (by its pid) and the demo app it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startVarnish, Teardown } from '@stash/harness';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

async function healthy(url: string): Promise<boolean> {
  return fetch(`${url}/api/health`).then(
    (res) => res.ok,
    () => false,
  );
}

/**
 * `pnpm demo` in its own process group, so Ctrl-C reaches it through us, after Varnish stops.
 * It tags its stored answers and purges this Varnish (unless STASH_CDN* say otherwise).
 */
function startDemo(port: number, varnishUrl: string, teardown: Teardown): ChildProcess {
  const demo = spawn('pnpm', ['--filter', '@stash/web', 'demo'], {
    cwd: repoRoot,
    stdio: 'inherit',
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      STASH_CDN: process.env.STASH_CDN ?? 'varnish',
      STASH_CDN_VARNISH_URLS: process.env.STASH_CDN_VARNISH_URLS ?? varnishUrl,
    },
  });
  const exited = new Promise<void>((resolve) => demo.once('exit', () => resolve()));
  teardown.add('demo app', async () => {
    if (demo.exitCode === null && demo.pid !== undefined) process.kill(-demo.pid, 'SIGINT');
    await exited;
  });
  return demo;
}

async function waitForApp(url: string, demo: ChildProcess | null): Promise<void> {
  // The demo's first start builds the app: minutes on a busy machine (it prints its progress).
  const deadline = Date.now() + 15 * 60_000;
  while (!(await healthy(url))) {
    if (demo && demo.exitCode !== null) throw new Error(`the demo app exited (${demo.exitCode})`);
    if (Date.now() > deadline) throw new Error(`${url}/api/health did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const teardown = new Teardown();
await teardown.runMain(async () => {
  const varnishPort = Number(option('port') ?? 6081);
  const given = option('backend');
  const appPort = Number(process.env.PORT ?? 3000);
  const backend = given ?? `http://127.0.0.1:${appPort}`;
  // Varnish is not up yet: the demo's purges before it is fail and are retried by its relay.
  const demo = given ? null : startDemo(appPort, `http://127.0.0.1:${varnishPort}`, teardown);
  await waitForApp(backend, demo);

  const varnish = await startVarnish({ backend, port: varnishPort });
  teardown.add('varnishd', () => varnish.stop());
  console.log(
    `[cdn] Varnish (cdn/stash.vcl, pid ${varnish.pid}) serving ${varnish.url} in front of ${backend}`,
  );
  console.log(
    demo
      ? `[cdn] the demo runs with STASH_CDN=${process.env.STASH_CDN ?? 'varnish'} STASH_CDN_VARNISH_URLS=${process.env.STASH_CDN_VARNISH_URLS ?? varnish.url}: its writes purge what they change`
      : `[cdn] for purges, start the app with STASH_CDN=varnish STASH_CDN_VARNISH_URLS=${varnish.url}`,
  );
  console.log(`[cdn] purge a key: curl -X PURGE -H 'xkey-purge: <key>' ${varnish.url}/`);
  console.log('[cdn] Ctrl-C stops it');
  // Until Ctrl-C (Teardown's handler stops everything and exits), or until the demo app or
  // varnishd exits. varnishd is no child of ours, so nothing else would keep this process alive.
  return new Promise<number>((resolve) => {
    demo?.once('exit', (code) => resolve(code ?? 1));
    const watch = setInterval(() => {
      if (running(varnish.pid)) return;
      clearInterval(watch);
      console.error(`[cdn] varnishd (pid ${varnish.pid}) exited`);
      resolve(1);
    }, 2_000);
  });
});

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
