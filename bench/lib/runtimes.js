// The runtimes measured side by side: berth, runc and crun, each with a private --root per
// row, plus the floor every berth command pays: a trivial executable compiled by the same
// Bun with the same flags as scripts/build-exe.js.
'use strict';
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { onCleanup } = require('./cleanup.js');

const { BUN_FLAGS, bunBinary: bunBin } = require('../../scripts/build-exe.js');

function firstLine(cmd) {
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : undefined;
}

/** The first line of --version, with the commit line when there is one (berth's names the build). */
function versionOf(cmd) {
  const r = spawnSync(cmd[0], [...cmd.slice(1), '--version'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const [first, second] = r.stdout.split('\n').map((l) => l.trim());
  return second?.startsWith('commit:') ? `${first} (${second})` : first;
}

function findRunc() {
  return ['/usr/bin/runc', '/usr/sbin/runc', '/usr/local/bin/runc', '/usr/local/sbin/runc'].find((p) => fs.existsSync(p));
}

/**
 * crun 1.8.1 refuses hybrid cgroup hosts unless the unified hierarchy looks empty:
 * bench/crun-hybrid.c runs it in a private mount namespace where it does (the wrapper's own
 * cost is measured as a row of its own).
 */
function crunCommand(work) {
  const crun = ['/usr/bin/crun', '/usr/local/bin/crun'].find((p) => fs.existsSync(p));
  if (!crun) return { why: 'crun is not installed' };
  const hybrid = fs.existsSync('/sys/fs/cgroup/unified/cgroup.controllers');
  if (!hybrid) return { cmd: [crun] };
  const wrap = path.join(work, 'crun-hybrid');
  const cc = spawnSync('gcc', ['-O2', '-o', wrap, path.join(__dirname, '../crun-hybrid.c')], { encoding: 'utf8' });
  if (cc.status !== 0) return { why: `gcc could not build bench/crun-hybrid.c: ${(cc.stderr || cc.error?.message || '').trim()}` };
  return { cmd: [wrap, crun], wrapper: wrap };
}

/** [{name, cmd, version, wrapper?}] for the runtimes that answer --version; prints why others are skipped. */
function findRuntimes(work, berth) {
  const candidates = [
    { name: 'berth', cmd: fs.existsSync(berth) ? [berth] : undefined, why: `${berth} does not exist (npm run build)` },
    { name: 'runc', cmd: findRunc() && [findRunc()], why: 'runc is not installed' },
    { name: 'crun', ...crunCommand(work) },
  ];
  const found = [];
  for (const c of candidates) {
    const version = c.cmd && versionOf(c.cmd);
    if (!version) {
      console.error(`bench: ${c.name} skipped: ${c.cmd ? `${c.cmd.join(' ')} --version failed` : c.why}`);
      continue;
    }
    found.push({ name: c.name, cmd: c.cmd, version, wrapper: c.wrapper });
  }
  return found;
}

/** The runtime's argv with a --root. */
function rtArgv(rt, root, ...args) {
  return [...rt.cmd, '--root', root, ...args];
}

/** A state root for one row; on cleanup every container in it is force-deleted, then the root goes. */
function makeRoot(rt, dir) {
  fs.mkdirSync(dir, { recursive: true });
  onCleanup(`${rt.name} root ${dir}`, () => {
    for (const id of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (!fs.statSync(path.join(dir, id)).isDirectory()) continue;
      spawnSync(rt.cmd[0], [...rt.cmd.slice(1), '--root', dir, 'delete', '--force', id], { stdio: 'ignore', timeout: 30_000 });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * The floor: console.log(1) compiled like dist/berth, with scripts/build-exe.js's own Bun and
 * flags (the JIT policy and the autoload switches included), so it is what any berth command
 * pays before it does anything.
 */
function buildFloor(work) {
  const src = path.join(work, 'floor.js');
  const out = path.join(work, 'floor');
  fs.writeFileSync(src, 'console.log(1);\n');
  execFileSync(bunBin(), ['build', ...BUN_FLAGS, src, '--outfile', out], { cwd: work, stdio: 'ignore' });
  return out;
}

function bunVersion() {
  return firstLine([bunBin(), '--version']) ?? 'unknown';
}

module.exports = { findRuntimes, rtArgv, makeRoot, buildFloor, bunVersion };
