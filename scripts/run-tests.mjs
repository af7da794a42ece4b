#!/usr/bin/env node
// `pnpm test`: check the services, run every package's tests through turbo (one package at a
// time: 2 cores; --continue, so one package's failure never hides another's results), and close
// with one line that totals vitest's per-package counts. A package whose run ended without a
// count (it crashed, or never started) is named and counted as a failure. Then (unless turbo was
// given arguments, e.g. a --filter) the example app: the caching library packed as a publish would,
// installed into examples/notes with npm, and the example's own tests (node:test) run against it.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';

const check = spawn(process.execPath, ['scripts/require-services.mjs'], { stdio: 'inherit' });
const checkCode = await new Promise((resolve) => check.on('exit', resolve));
if (checkCode !== 0) process.exit(checkCode ?? 1);

const turbo = spawn(
  'pnpm',
  ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue', ...process.argv.slice(2)],
  {
    stdio: ['inherit', 'pipe', 'pipe'],
  },
);
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedFiles = 0;
const started = new Set();
const counted = new Set();
let pending = '';

function count(line) {
  const plain = stripVTControlCharacters(line);
  const task = plain.match(/^(@[\w/-]+):test:/)?.[1];
  if (task) started.add(task);
  const body = plain.replace(/^@[\w/-]+:test:\s*/, '');
  // vitest: " Test Files  5 failed (5)": a file that failed before its tests ran (e.g. no browser)
  // shows its tests as skipped, so the files are counted too, or the total would read 0 failed.
  const files = /^\s*Test Files\s.*?(\d+) failed/.exec(body);
  if (files) failedFiles += Number(files[1]);
  // vitest: "      Tests  2 failed | 55 passed | 1 skipped (58)"
  if (!/^\s*Tests\s+\d/.test(body)) return;
  if (task) counted.add(task);
  for (const kind of Object.keys(totals)) {
    const match = plain.match(new RegExp(`(\\d+) ${kind}`));
    if (match) totals[kind] += Number(match[1]);
  }
}

for (const stream of [turbo.stdout, turbo.stderr]) {
  stream.on('data', (chunk) => {
    (stream === turbo.stdout ? process.stdout : process.stderr).write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(count);
  });
}

const code = await new Promise((resolve) => turbo.on('exit', resolve));
count(pending);
const exampleCode = process.argv.length > 2 ? 0 : await runExample();
const uncounted = [...started].filter((task) => !counted.has(task));
for (const task of uncounted)
  console.log(`${task}: ended without a test count (crashed?): counted as 1 failed`);
totals.failed += uncounted.length;
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
const files = failedFiles > 0 ? ` (and ${failedFiles} test files failed: their tests did not run)` : '';
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed${skipped}${files}`);
process.exit(code === 0 && exampleCode === 0 && uncounted.length === 0 ? 0 : code || exampleCode || 1);

/** examples/notes from packed tarballs; its node:test summary ("ℹ pass 4") joins the totals. */
async function runExample() {
  const task = 'examples/notes';
  const step = async (args) => {
    const child = spawn('npm', ['--prefix', 'examples/notes', 'run', ...args], {
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    const exit = await new Promise((resolve) => {
      child.on('exit', resolve);
      child.on('error', (error) => {
        console.log(`examples/notes: could not start npm: ${error.message}`);
        resolve(1);
      });
    });
    return { exit, output };
  };
  console.log(`\n== ${task}: pack the caching library, install the tarballs, test`);
  const install = await step(['install:packed']);
  const test = install.exit === 0 ? await step(['test']) : { exit: install.exit, output: '' };
  const summary = (kind) => Number(test.output.match(new RegExp(`^ℹ ${kind} (\\d+)`, 'm'))?.[1] ?? 0);
  const passed = summary('pass');
  const failed = summary('fail');
  totals.passed += passed;
  totals.failed += failed;
  if (passed + failed === 0) {
    console.log(`${task}: ended without a test count (install or typecheck failed?): counted as 1 failed`);
    totals.failed += 1;
  }
  return test.exit ?? 1;
}
