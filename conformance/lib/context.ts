// What a check gets to work with: fresh container ids, bundles built on the run's shared
// rootfs, the runtime bound to the check's own --root, shortcuts for the common
// create/start/wait/delete sequence, and a record of everything to undo afterwards.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Spec } from '../../src/spec/types.js';
import { runCommand, spawnHelper, sleep, waitFor, type CmdResult } from './exec.js';
import type { HelperPaths } from './helpers.js';
import { processAlive, processStartTime, type CgroupLayout, type NsFile } from './host.js';
import { ProbeReport } from './report.js';
import { describeFailure, RuntimeDriver, type RuntimeInfo } from './runtime.js';
import { baseSpec, OUT } from './spec.js';

const execFileP = promisify(execFile);

export class CheckFailure extends Error {}
export class CheckSkip extends Error {}

/** Shared by every check of one run. */
export interface SuiteEnv {
  runtime: RuntimeInfo;
  helpers: HelperPaths;
  /** The run's busybox rootfs with /conf helpers; bundles get hard-linked copies of it. */
  rootfsBase: string;
  workDir: string;
  rootsDir: string;
  /** Short tag in every container id and cgroup path of this run. */
  runTag: string;
  /** cgroupsPath parent for this run's containers: /berth-conf-<tag>. */
  cgroupParent: string;
  cgroups: CgroupLayout;
  hostNs: Partial<Record<NsFile, string>>;
  hostBounding: bigint;
}

export interface Bundle {
  id: string;
  dir: string;
  rootfs: string;
  /** Host side of the container's /out. */
  out: string;
  config: Spec;
}

export interface BundleOptions {
  /** 'copy' (default): hard-linked copy of the run's rootfs; or an existing directory. */
  rootfs?: 'copy' | { path: string };
  /** Write root.path as an absolute path instead of "rootfs". */
  absoluteRoot?: boolean;
  /** Leave the config exactly as given (no cgroupsPath, no /out source filling). */
  raw?: boolean;
}

export interface CreateOptions {
  /** Extra arguments for create (--console-socket ...). */
  createArgs?: string[];
  /** Descriptors the runtime inherits as fd 3, 4, ... */
  extraFds?: number[];
  /** umask the runtime is started with. */
  umask?: number;
}

export interface Created {
  id: string;
  bundle: Bundle;
  pid: number;
  startTime?: string;
  create: CmdResult;
}

export interface Finished extends Created {
  /** What the container wrote to stdout (the create command's stdout file). */
  stdout: string;
  stderr: string;
  report: ProbeReport;
}

let idCounter = 0;

export class CheckContext {
  readonly ids: string[] = [];
  private readonly hostMounts: string[] = [];
  private readonly stoppers: (() => Promise<void>)[] = [];
  private readonly cgroupDirs: string[] = [];
  readonly rt: RuntimeDriver;
  deadline: number;
  aborted = false;

  constructor(
    readonly env: SuiteEnv,
    readonly checkId: string,
    readonly dir: string,
    timeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutMs;
    fs.mkdirSync(dir, { recursive: true });
    const root = path.join(env.rootsDir, path.basename(dir));
    this.rt = new RuntimeDriver(env.runtime, root, dir, () => this.deadline, () => this.aborted);
  }

  // ---- outcomes --------------------------------------------------------------------------

  fail(reason: string): never {
    throw new CheckFailure(reason);
  }

  skip(reason: string): never {
    throw new CheckSkip(reason);
  }

  assert(cond: unknown, reason: string): void {
    if (!cond) this.fail(reason);
  }

  equal<T>(actual: T, expected: T, what: string): void {
    if (actual !== expected) this.fail(`${what}: expected ${fmt(expected)}, got ${fmt(actual)}`);
  }

  // ---- ids, specs, bundles ---------------------------------------------------------------

  newId(): string {
    // A check that ran out of time may still be going in the background: it must not start
    // new containers once cleanup has begun.
    if (this.aborted) throw new CheckFailure('aborted: the check ran out of time');
    const id = `berth-conf-${this.env.runTag}-${++idCounter}`;
    this.ids.push(id);
    return id;
  }

  spec(): Spec {
    return baseSpec(this.env.runtime.ociVersion);
  }

  cgroupsPathFor(id: string): string {
    return `${this.env.cgroupParent}/${id}`;
  }

  async bundle(spec: Spec, id: string, opts: BundleOptions = {}): Promise<Bundle> {
    const dir = fs.mkdtempSync(path.join(this.dir, 'bundle-'));
    fs.chmodSync(dir, 0o755); // a user-namespaced container root must reach its rootfs
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.chmodSync(out, 0o777); // a container root mapped to another host uid must write here too
    let rootfs: string;
    if (!opts.rootfs || opts.rootfs === 'copy') {
      rootfs = path.join(dir, 'rootfs');
      await execFileP('cp', ['-al', this.env.rootfsBase, rootfs]);
    } else {
      rootfs = opts.rootfs.path;
    }
    const config = structuredClone(spec);
    if (!opts.raw) {
      if (config.root) config.root.path = opts.absoluteRoot || rootfs !== path.join(dir, 'rootfs') ? rootfs : 'rootfs';
      for (const m of config.mounts ?? []) if (m.destination === OUT && m.source === 'out') m.source = out;
      if (config.linux && config.linux.cgroupsPath === undefined) config.linux.cgroupsPath = this.cgroupsPathFor(id);
    }
    if (config.linux?.cgroupsPath) this.cgroupDirs.push(config.linux.cgroupsPath);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
    return { id, dir, rootfs, out, config };
  }

  writeConfig(b: Bundle, config: Spec | Record<string, unknown>): void {
    fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(config, null, 2));
  }

  // ---- lifecycle shortcuts ---------------------------------------------------------------

  /** create, expecting success; returns the init pid from `state`. */
  async create(spec: Spec, opts: BundleOptions & CreateOptions = {}): Promise<Created> {
    const id = this.newId();
    const bundle = await this.bundle(spec, id, opts);
    return this.createBundle(bundle, opts);
  }

  async createBundle(bundle: Bundle, opts: CreateOptions = {}): Promise<Created> {
    if (this.aborted) throw new CheckFailure('aborted: the check ran out of time');
    const create = await this.rt.create(bundle.id, bundle.dir, opts.createArgs, { extraFds: opts.extraFds, umask: opts.umask });
    if (create.code !== 0) this.fail(`create failed: ${describeFailure(create)}`);
    const { res, json } = await this.rt.state(bundle.id);
    if (!json) this.fail(`state after create failed: ${describeFailure(res)}`);
    const pid = Number(json.pid);
    if (!(pid > 0)) this.fail(`state after create has no pid: ${res.stdout.trim()}`);
    return { id: bundle.id, bundle, pid, startTime: processStartTime(pid), create };
  }

  async start(c: Created): Promise<void> {
    const res = await this.rt.start(c.id);
    if (res.code !== 0) this.fail(`start failed: ${describeFailure(res)}`);
  }

  /** Waits until the container's init has exited and `state` says stopped. */
  async waitStopped(c: Created, timeoutMs = 10_000): Promise<void> {
    const gone = await waitFor(() => !processAlive(c.pid, c.startTime), Math.min(timeoutMs, this.remaining()));
    if (!gone) this.fail(`the container process ${c.pid} was still running after ${timeoutMs} ms`);
    for (let i = 0; i < 50; i++) {
      const { json } = await this.rt.state(c.id);
      if (json?.status === 'stopped') return;
      await sleep(20);
    }
    this.fail('state never reported "stopped" after the container process exited');
  }

  async deleteOk(c: Created): Promise<void> {
    const res = await this.rt.delete(c.id);
    if (res.code !== 0) this.fail(`delete failed: ${describeFailure(res)}`);
  }

  /** create + start + wait + delete; returns what the container printed. */
  async run(spec: Spec, opts: BundleOptions & CreateOptions & { keep?: boolean } = {}): Promise<Finished> {
    const c = await this.create(spec, opts);
    await this.start(c);
    await this.waitStopped(c);
    if (!opts.keep) await this.deleteOk(c);
    const stdout = fs.readFileSync(c.create.stdoutFile, 'utf8');
    const stderr = fs.readFileSync(c.create.stderrFile, 'utf8');
    return { ...c, stdout, stderr, report: new ProbeReport(stdout) };
  }

  /** Runs `spec` (whose process is the probe) and returns the probe's report. */
  async probe(spec: Spec, opts: BundleOptions & CreateOptions = {}): Promise<ProbeReport> {
    const f = await this.run(spec, opts);
    if (f.report.lines.length === 0) this.fail(`the container printed nothing${f.stderr.trim() ? ` (stderr: ${f.stderr.trim().slice(0, 200)})` : ''}`);
    return f.report;
  }

  /** create that is expected to fail; returns the result and checks the id is not left behind. */
  async createFails(spec: Spec | Record<string, unknown>, opts: BundleOptions = {}): Promise<{ res: CmdResult; bundle: Bundle }> {
    const id = this.newId();
    const bundle = await this.bundle(spec as Spec, id, opts);
    const res = await this.rt.create(id, bundle.dir);
    if (res.code === 0) this.fail('create succeeded, but the runtime had to report an error');
    const { res: st } = await this.rt.state(id);
    if (st.code === 0) this.fail(`create reported an error but left container ${id} behind (state: ${st.stdout.trim().slice(0, 100)})`);
    return { res, bundle };
  }

  remaining(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  // ---- host fixtures ---------------------------------------------------------------------

  async hostMount(op: 'tmpfs' | 'shared' | 'private' | 'bind', ...args: string[]): Promise<void> {
    const res = await runCommand([this.env.helpers.hostmnt, op, ...args], { outDir: this.dir, label: 'hostmnt', timeoutMs: 5000 });
    if (res.code !== 0) throw new Error(`host fixture: hostmnt ${op} ${args.join(' ')}: ${res.stderr.trim()}`);
    if (op === 'tmpfs') this.hostMounts.push(args[0]);
    if (op === 'bind') this.hostMounts.push(args[1]);
  }

  /** Starts nshold with fresh namespaces of `types` and returns the pid living in them. */
  async holdNamespaces(types: string[], maps?: { uid: string; gid: string }): Promise<number> {
    const ready = path.join(this.dir, `nshold-${types.join('-')}.pid`);
    const argv = [this.env.helpers.nshold, types.join(','), ready, ...(maps ? [maps.uid, maps.gid] : [])];
    const h = spawnHelper(argv, this.dir, 'nshold');
    this.stoppers.push(async () => {
      h.stop();
      await Promise.race([h.exited, sleep(2000)]);
    });
    const pid = await waitFor(() => {
      try {
        return Number(fs.readFileSync(ready, 'utf8').trim()) || undefined;
      } catch {
        return undefined;
      }
    }, 5000);
    if (!pid) throw new Error(`host fixture: nshold ${types.join(',')} did not come up`);
    return pid;
  }

  /** Starts fdrecv on a socket in the check directory; returns its paths. */
  async receiveFds(mode: 'console' | 'seccomp'): Promise<{ socket: string; meta: string; data: string; done: Promise<number | null> }> {
    const socket = path.join(this.dir, `${mode}.sock`);
    const stem = path.join(this.dir, mode);
    const h = spawnHelper([this.env.helpers.fdrecv, mode, socket, stem], this.dir, 'fdrecv');
    this.stoppers.push(async () => {
      h.stop();
      await Promise.race([h.exited, sleep(2000)]);
    });
    const up = await waitFor(() => fs.existsSync(`${stem}.ready`), 5000);
    if (!up) throw new Error('host fixture: fdrecv did not come up');
    return { socket, meta: `${stem}.meta`, data: `${stem}.data`, done: h.exited };
  }

  /** Creates a veth pair on the host (removed again at cleanup); returns the two names. */
  async hostVeth(address?: string): Promise<{ name: string; peer: string }> {
    const tag = Math.random().toString(16).slice(2, 7);
    const name = `cnf${tag}a`;
    const peer = `cnf${tag}b`;
    const res = await runCommand([this.env.helpers.netdev, 'veth', name, peer, ...(address ? [address] : [])], { outDir: this.dir, label: 'netdev', timeoutMs: 5000 });
    if (res.code !== 0) throw new Error(`host fixture: netdev veth: ${res.stderr.trim()}`);
    this.stoppers.push(async () => {
      for (const n of [name, peer]) await runCommand([this.env.helpers.netdev, 'del', n], { outDir: this.dir, label: 'netdev-del', timeoutMs: 5000 });
    });
    return { name, peer };
  }

  // ---- cleanup ---------------------------------------------------------------------------

  /** Undoes everything; returns notes about anything that could not be undone. */
  async cleanup(): Promise<string[]> {
    const notes: string[] = [];
    // Cleanup gets its own time budget even when the check ran out of time.
    this.deadline = Date.now() + 15_000;
    this.aborted = true;
    for (const id of [...this.ids].reverse()) {
      const { res } = await this.rt.state(id);
      if (res.code !== 0) continue;
      await this.rt.kill(id, 'KILL');
      let del = await this.rt.delete(id, true);
      if (del.code !== 0) {
        await sleep(200);
        del = await this.rt.delete(id, true);
      }
      if (del.code !== 0) notes.push(`delete --force ${id}: ${describeFailure(del)}`);
    }
    for (const stop of this.stoppers) await stop();
    for (const mp of [...this.hostMounts].reverse()) {
      await runCommand([this.env.helpers.hostmnt, 'umount', mp], { outDir: this.dir, label: 'umount', timeoutMs: 5000 });
    }
    notes.push(...(await unmountUnder(this.env.helpers.hostmnt, this.dir, this.dir)));
    for (const cg of this.cgroupDirs) notes.push(...removeCgroup(this.env.cgroups, cg));
    if (!process.env.CONFORMANCE_KEEP) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      fs.rmSync(this.rt.root, { recursive: true, force: true });
    }
    return notes;
  }
}

function fmt(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Lazily unmounts every host mount below `prefix`, deepest first. */
export async function unmountUnder(hostmnt: string, prefix: string, outDir: string): Promise<string[]> {
  const notes: string[] = [];
  for (let round = 0; round < 3; round++) {
    const points = fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((p): p is string => !!p && (p === prefix || p.startsWith(`${prefix}/`)))
      .sort((a, b) => b.length - a.length);
    if (points.length === 0) return notes;
    for (const p of points) {
      const res = await runCommand([hostmnt, 'umount', p], { outDir, label: 'umount', timeoutMs: 5000 });
      if (res.code !== 0 && round === 2) notes.push(`could not unmount ${p}: ${res.stderr.trim()}`);
    }
  }
  return notes;
}

/** Removes a cgroup (and any children) in every hierarchy, killing what is left in it. */
export function removeCgroup(layout: CgroupLayout, cgroupsPath: string): string[] {
  const notes: string[] = [];
  const rel = cgroupsPath.replace(/^\/+/, '');
  if (!rel || rel.includes('..')) return notes;
  const mounts = new Set<string>([...layout.v1.values(), ...(layout.unified ? [layout.unified] : [])]);
  for (const mp of mounts) {
    const dir = path.join(mp, rel);
    if (!fs.existsSync(dir)) continue;
    if (!rmdirTree(dir)) notes.push(`cgroup ${dir} could not be removed`);
  }
  return notes;
}

function rmdirTree(dir: string): boolean {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (ent.isDirectory()) rmdirTree(path.join(dir, ent.name));
  }
  for (let i = 0; i < 20; i++) {
    try {
      fs.rmdirSync(dir);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      // Processes still inside: they are this run's container processes.
      try {
        for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      } catch {
        /* no procs file */
      }
      const until = Date.now() + 25;
      while (Date.now() < until) {
        /* brief spin: the kernel needs a moment to empty the cgroup */
      }
    }
  }
  return false;
}
