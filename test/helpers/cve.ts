// Helpers for the CVE-class attack tests (test/integration/cve-*.test.ts, exec-cve.test.ts):
// berth run with descriptors a careless caller leaks, static attacker programs compiled with
// cc, the privileged attacker container of class 1 and the berth processes it is shown, and a
// snapshot of what a failed create could leave on the host.

import { execFileSync, type SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { berth, berthBin, makeBundle, repoRoot, sleepMs, stateOf, uniqueId } from './berth.js';
import { cgroupDirsNamed } from './leftovers.js';
import { minimalSpec } from './specs.js';
import type { Namespace, Process } from '../../src/spec/types.js';

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

const hash = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Capability names and numbers from the kernel's header. */
function capabilityTable(): [string, number][] {
  return fs.readFileSync('/usr/include/linux/capability.h', 'utf8').match(/#define (CAP_[A-Z_]+)\s+(\d+)/g)!
    .map((l) => l.split(/\s+/)).map(([, name, n]) => [name!, Number(n)]);
}

function capabilityNumber(name: string): number {
  const found = capabilityTable().find(([n]) => n === name);
  if (!found) throw new Error(`unknown capability ${name}`);
  return found[1];
}

/** Every capability of this host's bounding set (CAP_SYS_RESOURCE is missing on some hosts). */
export function allCapabilities(): string[] {
  const lastCap = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  const bounding = BigInt('0x' + /^CapBnd:\s+([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]);
  return capabilityTable().filter(([, n]) => n <= lastCap && (bounding & (1n << BigInt(n))) !== 0n).map(([name]) => name);
}

/** Starts berth processes the attacker can see: the attacker's id and init pid, and the round. */
export type Provoke = (root: string, attackerId: string, attackerPid: number, round: number) => SpawnSyncReturns<string>;

/** `berth exec ID true` into the attacker's container. */
export const provokeExec: Provoke = (root, id) => berth(root, ['exec', id, 'true']);

/**
 * `berth exec --process FILE ID` of `process` (written to a temporary file for the call): a
 * process with fewer privileges than the container's init, so that a berth process holding
 * more than it is told apart (snoop's UID CAPMASK arguments, see execAsSnoopArgs).
 */
export function provokeExecAs(proc: Process): Provoke {
  return (root, id, _pid, round) => {
    const file = path.join(os.tmpdir(), `berth-test-exec-process-${process.pid}-${round}.json`);
    fs.writeFileSync(file, JSON.stringify(proc));
    try {
      return berth(root, ['exec', '--process', file, id]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  };
}

/** `true` as uid and gid 1000 with CAP_KILL only, and snoop's arguments for those privileges. */
export const UNPRIVILEGED_EXEC: Process = {
  args: ['true'],
  cwd: '/',
  env: ['PATH=/bin:/usr/bin'],
  user: { uid: 1000, gid: 1000 },
  capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
  noNewPrivileges: true,
};
export const execAsSnoopArgs = (proc: Process): string[] => {
  const bits = (proc.capabilities?.bounding ?? []).map((name) => 1n << BigInt(capabilityNumber(name)));
  return [String(proc.user.uid), bits.reduce((a, b) => a | b, 0n).toString(16)];
};

/**
 * `berth run` of a container whose config joins the attacker's pid namespace by path, running
 * `true`, or `proc` (e.g. UNPRIVILEGED_EXEC, with execAsSnoopArgs for snoop).
 */
export function provokeJoin(tag: string, proc?: Process): Provoke {
  return (_root, _id, pid, round) => {
    const spec = minimalSpec();
    if (proc) spec.process = { ...spec.process!, ...structuredClone(proc) };
    else spec.process!.args = ['true'];
    spec.linux!.namespaces = spec.linux!.namespaces!.map((n) => (n.type === 'pid' ? { type: 'pid', path: `/proc/${pid}/ns/pid` } : n));
    const joiner = makeBundle(spec);
    try {
      return berth(joiner.root, ['run', '--bundle', joiner.dir, uniqueId(`${tag}-${round}`)]);
    } finally {
      joiner.cleanup();
    }
  };
}

/**
 * The class 1 attacker (docs/ARCHITECTURE.md "Threat model"): a privileged container (every
 * capability, CAP_SYS_PTRACE and CAP_SYS_ADMIN included, no user namespace) running `args`,
 * with the bundle's `shared` directory bound on /shared (where `files` are copied, and where
 * the attacker appends to /shared/log: "saw ..." for each berth process it meets, "done" once
 * /shared/stop exists). `provoke` starts berth processes until three were met (at most
 * `rounds` tries); then the attacker is stopped. Asserts it met one at all and that
 * dist/berth and dist/berth.node are unchanged; returns the log for the caller's checks.
 * `namespaces`: the attacker's instead of minimalSpec's (e.g. joining another pid namespace).
 */
export function attackFromContainer(
  tag: string, args: string[], provoke: Provoke, files: string[] = [], rounds = 40, namespaces?: Namespace[],
): string {
  const addonFile = path.join(path.dirname(berthBin), 'berth.node');
  const before = [hash(berthBin), hash(addonFile)];
  const caps = allCapabilities();
  assert.ok(caps.includes('CAP_SYS_PTRACE') && caps.includes('CAP_SYS_ADMIN'));
  const spec = minimalSpec();
  spec.process!.args = args;
  spec.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
  if (namespaces) spec.linux!.namespaces = namespaces;
  const b = makeBundle(spec);
  const shared = path.join(b.dir, 'shared');
  fs.mkdirSync(shared);
  for (const file of files) fs.copyFileSync(file, path.join(shared, path.basename(file)));
  for (const file of files) fs.chmodSync(path.join(shared, path.basename(file)), 0o755);
  const config = JSON.parse(fs.readFileSync(path.join(b.dir, 'config.json'), 'utf8'));
  config.mounts.push({ destination: '/shared', type: 'bind', source: shared, options: ['rbind', 'rw'] });
  fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(config));
  const id = uniqueId(tag);
  const log = () => (fs.existsSync(path.join(shared, 'log')) ? fs.readFileSync(path.join(shared, 'log'), 'utf8') : '');
  try {
    const r = berth(b.root, ['run', '-d', '--bundle', b.dir, id]);
    assert.is(r.status, 0, r.stderr);
    const pid = stateOf(b.root, id).pid;
    for (let i = 0; i < 200 && !log().includes('started'); i++) sleepMs(10);
    let sightings = 0;
    for (let i = 0; i < rounds && sightings < 3; i++) {
      const e = provoke(b.root, id, pid, i);
      assert.is(e.status, 0, e.stderr + log());
      sightings = (log().match(/^saw /gm) ?? []).length;
    }
    fs.writeFileSync(path.join(shared, 'stop'), '');
    for (let i = 0; i < 500 && !/^done/m.test(log()); i++) sleepMs(10);
    const found = log();
    assert.ok(sightings > 0, `the attacker never met a berth process, so nothing was tested:\n${found}`);
    assert.match(found, /^done/m, `the attacker did not finish:\n${found}`);
    assert.equal([hash(berthBin), hash(addonFile)], before, 'dist/berth and dist/berth.node unchanged');
    return found;
  } finally {
    berth(b.root, ['delete', '--force', id]);
    b.cleanup();
  }
}
