#!/usr/bin/env node
// Side-by-side benchmark: `run` of /bin/true in the same bundle with berth, runc and crun,
// interleaved round by round so machine noise hits all of them alike. Prints the median and
// p90 wall time per runtime and berth's ratio to each.
//   node bench/run.js [--rounds N] [--berth PATH]
'use strict';
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const rounds = Number(opt('--rounds', 30));
const berth = path.resolve(opt('--berth', path.join(root, 'dist/berth')));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-'));
const bundle = path.join(work, 'bundle');
fs.mkdirSync(bundle);
execFileSync(path.join(root, 'bundles/build-rootfs.sh'), [path.join(bundle, 'rootfs')]);
// ociVersion 1.0.2-dev: crun 1.8.1 rejects 1.2 and later. The same config for every runtime.
const config = {
  ociVersion: '1.0.2-dev',
  process: {
    user: { uid: 0, gid: 0 },
    args: ['/bin/true'],
    env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'],
    cwd: '/',
    capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
    noNewPrivileges: true,
  },
  root: { path: 'rootfs', readonly: true },
  hostname: 'bench',
  mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
  linux: { namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }] },
};
fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(config));

// crun 1.8.1 refuses hybrid cgroup hosts unless the unified hierarchy looks empty: measure it
// through bench/crun-hybrid.c, which arranges that in a private mount namespace.
const crunWrap = path.join(work, 'crun-hybrid');
spawnSync('gcc', ['-O2', '-o', crunWrap, path.join(__dirname, 'crun-hybrid.c')], { stdio: 'inherit' });
const runtimes = [
  { name: 'berth', cmd: [berth] },
  { name: 'runc', cmd: ['runc'] },
  { name: 'crun', cmd: fs.existsSync(crunWrap) ? [crunWrap, 'crun'] : null },
].filter((r) => {
  if (!r.cmd) {
    console.log(`${r.name}: skipped (gcc could not build bench/crun-hybrid.c)`);
    return false;
  }
  const probe = spawnSync(r.cmd[0], [...r.cmd.slice(1), '--version'], { stdio: 'ignore' });
  if (probe.status !== 0) console.log(`${r.name}: not runnable, skipped`);
  return probe.status === 0;
});

const times = Object.fromEntries(runtimes.map((r) => [r.name, []]));
for (let i = 0; i < rounds + 2; i++) {
  for (const r of runtimes) {
    const stateRoot = path.join(work, `root-${r.name}`);
    const id = `berth-bench-${r.name}-${i}`;
    const t0 = process.hrtime.bigint();
    const res = spawnSync(r.cmd[0], [...r.cmd.slice(1), '--root', stateRoot, 'run', '--bundle', bundle, id], { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 0) {
      console.error(`${r.name} run failed (status ${res.status}): ${res.stderr}`);
      spawnSync(r.cmd[0], [...r.cmd.slice(1), '--root', stateRoot, 'delete', '--force', id], { stdio: 'ignore' });
      process.exitCode = 1;
      continue;
    }
    if (i >= 2) times[r.name].push(ms); // two warm-up rounds
  }
}
fs.rmSync(work, { recursive: true, force: true });

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
console.log(`\nrun /bin/true, ${rounds} rounds (wall ms)\nruntime   median    p90`);
const med = {};
for (const r of runtimes) {
  if (!times[r.name].length) continue;
  med[r.name] = q(times[r.name], 0.5);
  console.log(`${r.name.padEnd(8)} ${med[r.name].toFixed(1).padStart(7)} ${q(times[r.name], 0.9).toFixed(1).padStart(6)}`);
}
for (const other of Object.keys(med)) {
  if (other !== 'berth' && med.berth) console.log(`berth / ${other}: ${(med.berth / med[other]).toFixed(2)}x`);
}
