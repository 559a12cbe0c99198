#!/usr/bin/env node
// The test command: builds everything, runs the uvu suites (unit, then, as root, integration
// and the engine scenarios: containerd, Docker and podman driving berth and runc), then the
// conformance comparison (berth against runc on this host: every check runc passes
// counts as one test, failed when berth fails it), then the VM suite (test/vm: the cgroup
// tests again inside a pure cgroup v2 guest on Debian 12's 6.1 kernel; skipped, saying what is
// missing, without qemu or the kernel, or with BERTH_VM=0), and prints the closing line
// `N passed, N failed` that CI reads.
//   node test/run.js [unit|integration|engines|conformance|vm] [pattern]
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const only = process.argv[2];
const pattern = process.argv[3];
const suites = only ? [only] : ['unit', 'integration', 'engines', 'conformance', 'vm'];

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
  if ((suite === 'integration' || suite === 'engines' || suite === 'vm') && process.getuid && process.getuid() !== 0) {
    console.log(`${suite} tests need root: skipped`);
    continue;
  }
  if (suite === 'vm') {
    if (process.env.BERTH_VM === '0') {
      console.log('\n== vm: skipped: BERTH_VM=0');
      continue;
    }
    const r = vmSuite(pattern);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    continue;
  }
  if (suite === 'conformance') {
    const r = conformanceAgainstRunc(pattern);
    passed += r.passed;
    failed += r.failed;
    continue;
  }
  console.log(`\n== ${suite} tests`);
  const started = Date.now();
  const args = [path.join(root, 'node_modules/uvu/bin.js'), path.join('build/test', suite)];
  if (pattern) args.push(pattern);
  const res = run(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  process.stdout.write(res.stdout);
  // uvu colours its summary ("Skipped:   \x1b[33m12"): read the numbers without the colours.
  const summary = res.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  const num = (label) => Number((new RegExp(`${label}:\\s+(\\d+)`).exec(summary) || [])[1] || 0);
  const total = num('Total');
  const ok = num('Passed');
  const skip = num('Skipped');
  passed += ok;
  skipped += skip;
  // uvu's Total leaves skipped tests out.
  failed += total - ok;
  if (res.status !== 0 && total - ok === 0) failed += 1; // crashed before counting
  // The engine suite starts daemons and many containers: say what it costs.
  if (suite === 'engines') console.log(`engines: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
// The integration tests' roots live under /run/berth-test; each test removes its own.
try {
  require('node:fs').rmdirSync('/run/berth-test');
} catch {
  // not there, or something was left in it (then it stays, to be noticed)
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);

/**
 * test/vm/run.js: boots the guest and runs test/vm/tests.txt in it (PATTERN keeps the matching
 * items). Its last line gives the counts, or says what is missing when it skips.
 */
function vmSuite(itemPattern) {
  console.log('\n== vm (pure cgroup v2 guest, Debian 12 kernel, under qemu)');
  const args = [path.join(root, 'test/vm/run.js')];
  if (itemPattern) args.push(itemPattern);
  const res = run(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  process.stdout.write(res.stdout);
  const last = res.stdout.trim().split('\n').pop() || '';
  if (/^vm: skipped:/.test(last)) return { passed: 0, failed: 0, skipped: 0 };
  const m = /^vm: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(last);
  if (!m) return { passed: 0, failed: 1, skipped: 0 };
  return { passed: Number(m[1]), failed: Number(m[2]) + (res.status !== 0 && m[2] === '0' ? 1 : 0), skipped: Number(m[3]) };
}

/**
 * npm run conformance:compare, into a scratch report (docs/conformance.md is rewritten only
 * when someone runs the command on purpose). Each check runc passes is one test here.
 */
function conformanceAgainstRunc(filter) {
  console.log('\n== conformance (berth against runc and crun)');
  const dir = require('node:fs').mkdtempSync(path.join(require('node:os').tmpdir(), 'berth-conformance-'));
  const json = path.join(dir, 'results.json');
  const args = [path.join(root, 'conformance/compare.js'), '--out', path.join(dir, 'conformance.md'), '--json', json];
  if (filter) args.push('--filter', filter);
  const res = run(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const lines = res.stdout.split('\n');
  // The per-check lines are long; the totals and the gate's verdict are what matter here.
  process.stdout.write(lines.filter((l) => !/^\[/.test(l) || / FAIL /.test(l)).join('\n'));
  let reports;
  try {
    reports = JSON.parse(require('node:fs').readFileSync(json, 'utf8'));
  } catch {
    console.log(`conformance: no results (exit ${res.status})`);
    return { passed: 0, failed: 1 };
  } finally {
    require('node:fs').rmSync(dir, { recursive: true, force: true });
  }
  const [berth, runc] = reports;
  const runcPassed = new Set(runc.results.filter((r) => r.status === 'pass').map((r) => r.id));
  let ok = 0;
  let bad = 0;
  for (const r of berth.results) {
    if (!runcPassed.has(r.id)) continue;
    if (r.status === 'pass') ok++;
    else bad++;
  }
  console.log(`conformance: ${ok} of the checks runc passes pass with berth, ${bad} fail`);
  return { passed: ok, failed: bad + (res.status !== 0 && bad === 0 ? 1 : 0) };
}
process.exit(failed ? 1 : 0);
