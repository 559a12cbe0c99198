#!/usr/bin/env node
// The test command: builds everything, runs the uvu suites (unit, then integration as root)
// and prints the closing line `N passed, N failed` that CI reads.
//   node test/run.js [unit|integration] [pattern]
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const only = process.argv[2];
const pattern = process.argv[3];
const suites = only ? [only] : ['unit', 'integration'];

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...opts });
}

if (!process.env.BERTH_SKIP_BUILD) {
  const build = run('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('build failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const suite of suites) {
  if (suite === 'integration' && process.getuid && process.getuid() !== 0) {
    console.log('integration tests need root: skipped');
    continue;
  }
  console.log(`\n== ${suite} tests`);
  const args = [path.join(root, 'node_modules/uvu/bin.js'), path.join('build/test', suite)];
  if (pattern) args.push(pattern);
  const res = run(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  process.stdout.write(res.stdout);
  const num = (label) => Number((new RegExp(`${label}:\\s+(\\d+)`).exec(res.stdout) || [])[1] || 0);
  const total = num('Total');
  const ok = num('Passed');
  const skip = num('Skipped');
  passed += ok;
  skipped += skip;
  failed += total - ok - skip;
  if (res.status !== 0 && total - ok - skip === 0) failed += 1; // crashed before counting
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
