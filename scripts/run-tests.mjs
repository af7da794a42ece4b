#!/usr/bin/env node
// `pnpm test`: check the services, run every package's tests through turbo (one package at a
// time: 2 cores; --continue, so one package's failure never hides another's results), and close
// with one line that totals vitest's per-package counts. A package whose run ended without a
// count (it crashed, or never started) is named and counted as a failure.
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
const started = new Set();
const counted = new Set();
let pending = '';

function count(line) {
  const plain = stripVTControlCharacters(line);
  const task = plain.match(/^(@[\w/-]+):test:/)?.[1];
  if (task) started.add(task);
  // vitest: "      Tests  2 failed | 55 passed | 1 skipped (58)"
  if (!/^\S*\s*Tests\s+\d/.test(plain.replace(/^@[\w/-]+:test:\s*/, ''))) return;
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
const uncounted = [...started].filter((task) => !counted.has(task));
for (const task of uncounted)
  console.log(`${task}: ended without a test count (crashed?): counted as 1 failed`);
totals.failed += uncounted.length;
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(code === 0 && uncounted.length === 0 ? 0 : code || 1);
