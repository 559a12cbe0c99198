// One run of the suite against one runtime: build the helpers and ONE busybox rootfs, run the
// checks in a small pool (each with its own --root, timeout and cleanup), then sweep for
// anything left behind (mounts, cgroups, state directories) and report it.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Check, CheckResult } from './check.js';
import { CheckContext, CheckFailure, CheckSkip, removeCgroup, unmountUnder, type SuiteEnv } from './context.js';
import { buildHelpers } from './helpers.js';
import { cgroupLayout, hostBoundingSet, namespacesOf } from './host.js';
import { describeRuntime, type DescribeOptions } from './runtime.js';

const execFileP = promisify(execFile);

export const repoRoot = path.resolve(__dirname, '../../..');

export interface SuiteOptions extends DescribeOptions {
  runtime: string;
  workBase?: string;
}

export async function setupSuite(opts: SuiteOptions): Promise<SuiteEnv> {
  if (!fs.existsSync(opts.runtime)) throw new Error(`runtime ${opts.runtime} does not exist`);
  const helpers = await buildHelpers(path.join(repoRoot, 'conformance/helpers'), path.join(repoRoot, 'build/conformance/bin'));
  const runtime = describeRuntime(opts.runtime, { ...opts, crunWrapper: opts.crunWrapper ?? helpers['crun-ns'] });
  const runTag = `${process.pid.toString(36)}${Date.now().toString(36).slice(-3)}`;
  const workDir = fs.mkdtempSync(path.join(opts.workBase ?? os.tmpdir(), `berth-conf-${runTag}-`));
  fs.chmodSync(workDir, 0o755);
  const rootsDir = path.join('/run', `berth-conf-${runTag}`);
  fs.mkdirSync(rootsDir, { recursive: true, mode: 0o700 });
  const rootfsBase = path.join(workDir, 'rootfs');
  await execFileP(path.join(repoRoot, 'bundles/build-rootfs.sh'), [rootfsBase]);
  // Mount points and helpers exist up front, so no runtime has to create them in the shared
  // tree and checks can reuse it through hard-linked copies.
  for (const d of ['conf', 'out', 'dev', 'proc', 'sys', 'tmp', 'conf-mnt', 'conf-prop']) fs.mkdirSync(path.join(rootfsBase, d), { recursive: true });
  for (const h of ['probe', 'hook'] as const) fs.copyFileSync(helpers[h], path.join(rootfsBase, 'conf', h));
  for (const h of ['probe', 'hook']) fs.chmodSync(path.join(rootfsBase, 'conf', h), 0o755);
  return {
    runtime,
    helpers,
    rootfsBase,
    workDir,
    rootsDir,
    runTag,
    cgroupParent: `/berth-conf-${runTag}`,
    cgroups: cgroupLayout(),
    hostNs: namespacesOf('self'),
    hostBounding: hostBoundingSet(),
  };
}

export interface RunOptions {
  /** Polled before each check starts: true stops the run (checks under way still finish and clean up). */
  stopRequested?: () => boolean;
  filter?: RegExp;
  parallel: number;
  defaultTimeoutMs: number;
  onResult?: (r: CheckResult) => void;
}

export async function runChecks(env: SuiteEnv, checks: Check[], opts: RunOptions): Promise<CheckResult[]> {
  const selected = checks.filter((c) => !opts.filter || opts.filter.test(c.id));
  const results: CheckResult[] = new Array(selected.length);
  let next = 0;
  let reported = 0;
  const worker = async () => {
    for (;;) {
      if (opts.stopRequested?.()) return;
      const i = next++;
      if (i >= selected.length) return;
      results[i] = await runOne(env, selected[i], i, opts.defaultTimeoutMs);
      // Report in list order, each result as soon as all before it are in.
      while (reported < selected.length && results[reported]) opts.onResult?.(results[reported++]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel) }, worker));
  return results.filter(Boolean);
}

async function runOne(env: SuiteEnv, c: Check, index: number, defaultTimeoutMs: number): Promise<CheckResult> {
  const timeoutMs = c.timeoutMs ?? defaultTimeoutMs;
  const dir = path.join(env.workDir, `c${index}`);
  const t = new CheckContext(env, c.id, dir, timeoutMs);
  const began = Date.now();
  let status: CheckResult['status'] = 'pass';
  let reason: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckFailure(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([c.run(t), timeout]);
  } catch (err) {
    if (err instanceof CheckSkip) {
      status = 'skip';
      reason = err.message;
    } else {
      status = 'fail';
      reason = err instanceof CheckFailure ? err.message : `error: ${(err as Error).stack ?? String(err)}`;
    }
  } finally {
    clearTimeout(timer);
  }
  let leaks: string[] = [];
  try {
    leaks = await t.cleanup();
  } catch (err) {
    leaks = [`cleanup error: ${(err as Error).message}`];
  }
  return { id: c.id, title: c.title, status, reason, ms: Date.now() - began, ...(leaks.length ? { leaks } : {}) };
}

/** Final sweep: whatever a check's own cleanup missed. Returns what was still there. */
export async function teardownSuite(env: SuiteEnv): Promise<string[]> {
  const found: string[] = [];
  const mountsBefore = listMountsMatching(env.workDir);
  if (mountsBefore.length) found.push(`mounts left under ${env.workDir}: ${mountsBefore.join(', ')}`);
  found.push(...(await unmountUnder(env.helpers.hostmnt, env.workDir, os.tmpdir())));
  for (const note of removeCgroup(env.cgroups, env.cgroupParent)) found.push(note);
  for (const mp of new Set([...env.cgroups.v1.values(), ...(env.cgroups.unified ? [env.cgroups.unified] : [])])) {
    for (const name of safeReaddir(mp)) if (name.includes(`berth-conf-${env.runTag}`)) {
      found.push(`cgroup ${path.join(mp, name)} was left behind`);
      removeCgroup(env.cgroups, `/${name}`);
    }
  }
  const leftoverRoots = safeReaddir(env.rootsDir);
  if (leftoverRoots.length) found.push(`state directories left in ${env.rootsDir}: ${leftoverRoots.join(', ')}`);
  if (!process.env.CONFORMANCE_KEEP) {
    fs.rmSync(env.rootsDir, { recursive: true, force: true });
    fs.rmSync(env.workDir, { recursive: true, force: true });
  }
  return found;
}

function listMountsMatching(prefix: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p && p.startsWith(prefix));
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
