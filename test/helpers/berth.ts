// Integration-test helpers: a shared busybox rootfs built once per run, bundles in temp
// dirs, and the built executable dist/berth driven exactly as a user or engine would.

import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { minimalSpec } from './specs.js';
import { scaledMs } from './time-scale.js';

export const repoRoot = path.resolve(__dirname, '../../..');
export const berthBin = path.join(repoRoot, 'dist/berth');

let sharedRootfs: string | undefined;

/** One busybox rootfs for the whole test process; bundles point at it by absolute path. */
export function rootfs(): string {
  if (!sharedRootfs) {
    sharedRootfs = path.join(os.tmpdir(), `berth-test-rootfs-${process.pid}`);
    execFileSync(path.join(repoRoot, 'bundles/build-rootfs.sh'), [sharedRootfs]);
    process.on('exit', () => fs.rmSync(sharedRootfs!, { recursive: true, force: true }));
  }
  return sharedRootfs;
}

export interface Bundle {
  dir: string;
  root: string;
  cleanup(): void;
}

let counter = 0;

/** A bundle whose config is `spec` with root.path pointing at the shared rootfs. */
export function makeBundle(spec: Spec = minimalSpec(), opts: { ownRootfs?: boolean } = {}): Bundle {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-bundle-'));
  let rootPath = rootfs();
  if (opts.ownRootfs) {
    rootPath = path.join(dir, 'rootfs');
    execFileSync(path.join(repoRoot, 'bundles/build-rootfs.sh'), [rootPath]);
  }
  const full: Spec = { ...spec, root: { readonly: spec.root?.readonly ?? false, ...spec.root, path: opts.ownRootfs ? 'rootfs' : rootPath } };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(full, null, 2));
  const root = `/run/berth-test/${process.pid}-${counter++}`;
  return {
    dir,
    root,
    cleanup() {
      for (const id of listIds(root)) berth(root, ['delete', '--force', id]);
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listIds(root: string): string[] {
  try {
    return fs.readdirSync(root).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
}

export function uniqueId(tag: string): string {
  return `berth-t-${tag}-${process.pid}-${counter++}`;
}

/**
 * Runs dist/berth --root ROOT ...args and returns its status and output. Output goes through
 * files, not pipes: a created container inherits berth's stdout/stderr and would hold a pipe
 * open (and spawnSync waiting) until it exits, exactly as a shim's pipes are held.
 */
export function berth(
  root: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; leaked?: number[] } = {},
): SpawnSyncReturns<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-out-'));
  const outFd = fs.openSync(path.join(dir, 'out'), 'w+');
  const errFd = fs.openSync(path.join(dir, 'err'), 'w+');
  const timeout = scaledMs(opts.timeoutMs ?? 30_000);
  try {
    const res = spawnSync(berthBin, ['--root', root, ...args], {
      encoding: 'utf8',
      input: opts.input,
      timeout,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      // `leaked`: descriptors handed on as 3, 4, ..., as a shim that forgot close-on-exec would.
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', outFd, errFd, ...(opts.leaked ?? [])],
    });
    res.stdout = fs.readFileSync(path.join(dir, 'out'), 'utf8');
    res.stderr = fs.readFileSync(path.join(dir, 'err'), 'utf8');
    // A limit hit says so, with the scale it had: on a starved machine that is the first question.
    if ((res.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') {
      res.stderr += `\n[test helper: berth ${args[0]} killed after its time limit of ${timeout} ms (BERTH_TEST_TIME_SCALE=${process.env.BERTH_TEST_TIME_SCALE ?? 'unset'})]\n`;
    }
    return res;
  } finally {
    fs.closeSync(outFd);
    fs.closeSync(errFd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `berth run` of `script` (sh -c) in a bundle from `spec`; returns stdout, stderr, status. */
export function runIn(script: string, spec: Spec = minimalSpec(), tag = 'run'): SpawnSyncReturns<string> {
  spec = structuredClone(spec);
  spec.process!.args = ['sh', '-c', script];
  const b = makeBundle(spec);
  try {
    return berth(b.root, ['run', '--bundle', b.dir, uniqueId(tag)]);
  } finally {
    b.cleanup();
  }
}

export function spawnBerth(root: string, args: string[]) {
  return spawn(berthBin, ['--root', root, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function stateOf(root: string, id: string): { status: string; pid: number; [k: string]: unknown } {
  const r = berth(root, ['state', id]);
  if (r.status !== 0) throw new Error(`state ${id} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function hostMounts(): string {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8');
}

/**
 * Creates a container of `holder` running `sleep 600`, so its namespaces can be joined by
 * path, and calls `fn` with its init's pid; everything is removed afterwards. Never started
 * unless `started` (`run -d`: its init is then `sleep`, pid 1 of its namespace).
 */
export function withHolder(holder: Spec, tag: string, fn: (pid: number) => void, opts: { started?: boolean } = {}): void {
  holder.process!.args = ['sleep', '600'];
  const hb = makeBundle(holder);
  try {
    const id = uniqueId(tag);
    const c = berth(hb.root, [...(opts.started ? ['run', '-d'] : ['create']), '--bundle', hb.dir, id]);
    if (c.status !== 0) throw new Error(`${opts.started ? 'run' : 'create'} of the holder failed: ${c.stderr}`);
    fn(stateOf(hb.root, id).pid);
  } finally {
    hb.cleanup();
  }
}
