// Helpers for the CVE-class attack tests (test/integration/cve-*.test.ts): berth run with
// descriptors a careless caller leaks, static attacker programs compiled with cc, and a
// snapshot of what a failed create could leave on the host.

import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { berthBin, repoRoot } from './berth.js';

/**
 * dist/berth --root ROOT ...args with `leaked` open as descriptors 3, 4, ... (as a shim that
 * forgot close-on-exec would hand them on). Output goes through files, as in berth().
 */
export function berthLeaking(root: string, args: string[], leaked: number[]): SpawnSyncReturns<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-out-'));
  const outFd = fs.openSync(path.join(dir, 'out'), 'w+');
  const errFd = fs.openSync(path.join(dir, 'err'), 'w+');
  try {
    const res = spawnSync(berthBin, ['--root', root, ...args], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', outFd, errFd, ...leaked] });
    res.stdout = fs.readFileSync(path.join(dir, 'out'), 'utf8');
    res.stderr = fs.readFileSync(path.join(dir, 'err'), 'utf8');
    return res;
  } finally {
    fs.closeSync(outFd);
    fs.closeSync(errFd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles test/integration/cve-helpers/NAME.c statically (it runs inside a busybox rootfs). */
export function compileStatic(name: string): string {
  const out = path.join(repoRoot, 'build/cve', name);
  const src = path.join(repoRoot, 'test/integration/cve-helpers', `${name}.c`);
  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    execFileSync('cc', ['-static', '-O2', '-Wall', '-o', out, src]);
  }
  return out;
}

/** Cgroup directories anywhere under /sys/fs/cgroup whose name contains `id`. */
function cgroupsNamed(id: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = path.join(dir, e.name);
      if (e.name.includes(id)) found.push(p);
      else walk(p, depth + 1);
    }
  };
  walk('/sys/fs/cgroup', 0);
  return found;
}

/** Processes whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
    } catch {
      return false;
    }
  }).map(Number);
}

/**
 * Asserts a refused create of `id` (bundle `bundle`, store `root`) left nothing: no state
 * directory, no host mount naming the bundle, the store or the id (other work on the machine
 * may mount meanwhile, so only ours are looked at), no cgroup, no process.
 */
export function assertNothingLeft(root: string, id: string, bundle: string): void {
  assert.not.ok(fs.existsSync(path.join(root, id)), `no state directory left for ${id}`);
  const ours = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(bundle) || l.includes(id) || l.includes(root));
  assert.equal(ours, [], 'no mount left on the host');
  assert.equal(cgroupsNamed(id), [], 'no cgroup left');
  assert.equal(processesMentioning(id), [], 'no process left');
}
