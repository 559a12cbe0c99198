// Helpers for the CVE-class attack tests (test/integration/cve-*.test.ts): berth run with
// descriptors a careless caller leaks, static attacker programs compiled with cc, and a
// snapshot of what a failed create could leave on the host.

import { execFileSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { berth, repoRoot } from './berth.js';
import { cgroupDirsNamed } from './leftovers.js';

/** dist/berth --root ROOT ...args with `leaked` open as descriptors 3, 4, ... (see berth()). */
export function berthLeaking(root: string, args: string[], leaked: number[]): SpawnSyncReturns<string> {
  return berth(root, args, { leaked });
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
  assert.equal(cgroupDirsNamed(id), [], 'no cgroup left');
  assert.equal(processesMentioning(id), [], 'no process left');
}
