#!/usr/bin/env node
// Runs a berth command N times with BERTH_PROFILE and prints the median time of each phase
// (src/profile.ts): where `run`'s (or create's, exec's) time goes. docs/performance.md,
// "Where run's time goes", shows its output before and after the speed work.
//   node scripts/profile-phases.js [--rounds N] [--berth PATH] [--exec] [--seccomp]
// Without --exec it profiles `run` of /bin/true in a busybox bundle (bench/run.js's config);
// with --exec, `exec /bin/true` into a running container of that bundle. --seccomp adds
// Docker's default seccomp profile (the bench's run-mounts-0 row).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { scriptArgs } = require('../bench/lib/script-args.js');
const { buildRootfs, baseConfig, dockerSeccomp, writeBundle } = require('../bench/lib/bundles.js');

const { opt, has, berth } = scriptArgs();
const rounds = Number(opt('--rounds', 15));
const exec = has('--exec');
const seccomp = has('--seccomp');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-profile-'));
const { rootfs } = buildRootfs(work, 0);
const config = baseConfig(rootfs, exec ? ['sleep', '1000'] : ['/bin/true']);
if (seccomp) config.linux.seccomp = dockerSeccomp();
const bundle = writeBundle(work, 'bundle', config);
const stateRoot = path.join(work, 'root');
const b = (argv, env) => spawnSync(berth, ['--root', stateRoot, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });

const phases = new Map(); // name -> {wall: [ms], cpu: [ms], faults: [n]}
const totals = [];
// stdio ignored: the detached init would keep a pipe open
if (exec) spawnSync(berth, ['--root', stateRoot, 'run', '-d', '--bundle', bundle, 'target'], { stdio: 'ignore' });
for (let i = 0; i < rounds + 2; i++) {
  const t0 = process.hrtime.bigint();
  const env = { BERTH_PROFILE: String(BigInt(Date.now()) * 1000000n) };
  const res = exec ? b(['exec', 'target', '/bin/true'], env) : b(['run', '--bundle', bundle, `p${i}`], env);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 0) {
    console.error(`berth failed: ${res.stderr}`);
    process.exitCode = 1;
    break;
  }
  if (i < 2) continue; // warm-up
  totals.push(ms);
  for (const line of res.stderr.toString().split('\n')) {
    const m = /^berth profile:\s+[\d.]+ ms\s+\+\s*([\d.]+)\s+cpu \+\s*([\d.]+)\s+faults \+\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    if (!phases.has(m[4])) phases.set(m[4], { wall: [], cpu: [], faults: [] });
    const p = phases.get(m[4]);
    p.wall.push(Number(m[1]));
    p.cpu.push(Number(m[2]));
    p.faults.push(Number(m[3]));
  }
}
if (exec) b(['delete', '--force', 'target']);
fs.rmSync(work, { recursive: true, force: true });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
console.log(`berth ${exec ? 'exec /bin/true' : 'run /bin/true'}${seccomp ? ' (Docker seccomp profile)' : ''}: ${rounds} rounds, median wall ${median(totals).toFixed(1)} ms (load ${os.loadavg()[0].toFixed(1)})`);
console.log('medians per phase (since the previous mark): wall ms, CPU ms of berth (all threads), minor faults');
console.log('   wall     cpu  faults  phase');
for (const [name, p] of phases) {
  console.log(`${median(p.wall).toFixed(1).padStart(7)} ${median(p.cpu).toFixed(1).padStart(7)} ${String(median(p.faults)).padStart(7)}  ${name}`);
}
