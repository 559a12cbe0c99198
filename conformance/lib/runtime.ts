// The runtime under test, driven only through runc's command-line syntax:
//   RUNTIME --root DIR create --bundle B ID | start ID | state ID | kill ID SIG | delete [--force] ID
// Nothing else about the runtime is assumed, so any runc-compatible binary can be measured.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand, type CmdResult } from './exec.js';

export interface RuntimeInfo {
  /** Short name for tables: the binary's base name. */
  name: string;
  /** Absolute path of the binary. */
  path: string;
  /** What to execute in front of the runtime's own arguments (the crun wrapper, or nothing). */
  prefix: string[];
  /** ociVersion written into every config.json for this runtime. */
  ociVersion: string;
  /** The runtime runs in a mount namespace of its own (the crun wrapper), not the host's. */
  privateMountNs: boolean;
  /** First line of `--version`, for reports. */
  version: string;
  notes: string[];
}

/** The spec version a runtime announces in `--version` ("spec: 1.0.2-dev"), if any. */
export function announcedSpecVersion(versionText: string): string | undefined {
  const m = /^spec(?: version)?:\s*(\S+)/im.exec(versionText);
  return m ? m[1] : undefined;
}

/** True when a hybrid cgroup host would make crun 1.x refuse to run. */
export function hostIsHybrid(): boolean {
  try {
    const controllers = fs.readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim();
    return controllers.length > 0 && fs.existsSync('/sys/fs/cgroup/memory') ;
  } catch {
    return false;
  }
}

export interface DescribeOptions {
  ociVersion?: string;
  /** Path of the built crun-ns wrapper; used for crun on hybrid hosts unless noWrap. */
  crunWrapper?: string;
  noWrap?: boolean;
}

export function describeRuntime(binary: string, opts: DescribeOptions = {}): RuntimeInfo {
  const abs = path.resolve(binary);
  let versionText = '';
  try {
    versionText = execFileSync(abs, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    versionText = String((err as { stdout?: string }).stdout ?? '');
  }
  const name = path.basename(abs);
  const notes: string[] = [];
  let prefix: string[] = [];
  let privateMountNs = false;
  if (/^crun/.test(name) && !opts.noWrap && hostIsHybrid()) {
    if (!opts.crunWrapper) throw new Error('crun needs the crun-ns wrapper on this hybrid cgroup host, and it was not built');
    prefix = [opts.crunWrapper];
    privateMountNs = true;
    notes.push('run through conformance/helpers/crun-ns.c: a private mount namespace where the unified cgroup.controllers reads empty (crun refuses hybrid hosts otherwise)');
  }
  const announced = announcedSpecVersion(versionText);
  const ociVersion = opts.ociVersion ?? announced ?? '1.0.2';
  notes.push(`config.json ociVersion ${ociVersion} (${opts.ociVersion ? 'from --oci-version' : announced ? 'the spec version the runtime announces in --version' : 'default'})`);
  return { name, path: abs, prefix, ociVersion, privateMountNs, version: versionText.split('\n')[0] ?? '', notes };
}

/** One runtime bound to one --root directory, writing command output under outDir. */
export class RuntimeDriver {
  constructor(
    readonly info: RuntimeInfo,
    readonly root: string,
    private readonly outDir: string,
    private readonly deadline: () => number,
    /** True once the check's cleanup has begun: no new containers from then on. */
    private readonly aborted: () => boolean = () => false,
  ) {}

  private timeout(): number {
    return Math.max(1000, this.deadline() - Date.now());
  }

  /** Runs RUNTIME --root ROOT ...args. */
  raw(args: string[], label: string, extra: { cwd?: string; extraFds?: number[]; input?: string; umask?: number } = {}): Promise<CmdResult> {
    let argv = [...this.info.prefix, this.info.path, '--root', this.root, ...args];
    // The caller's umask is what a runtime hands on when config.json has none; only sh can set
    // it for one child without touching the suite's own (shared by parallel checks).
    if (extra.umask !== undefined) argv = ['/bin/sh', '-c', `umask ${extra.umask.toString(8).padStart(4, '0')}; exec "$@"`, 'sh', ...argv];
    return runCommand(argv, { outDir: this.outDir, label, timeoutMs: this.timeout(), ...extra });
  }

  create(id: string, bundle: string, extraArgs: string[] = [], extra: { extraFds?: number[]; umask?: number } = {}): Promise<CmdResult> {
    if (this.aborted()) return Promise.reject(new Error('aborted: the check ran out of time'));
    // cwd is the (empty) check directory, so a runtime that defaulted the bundle to cwd would fail.
    return this.raw(['create', '--bundle', bundle, ...extraArgs, id], 'create', { cwd: this.outDir, ...extra });
  }

  start(id: string): Promise<CmdResult> {
    return this.raw(['start', id], 'start');
  }

  kill(id: string, signal?: string): Promise<CmdResult> {
    return this.raw(signal ? ['kill', id, signal] : ['kill', id], 'kill');
  }

  delete(id: string, force = false): Promise<CmdResult> {
    return this.raw(force ? ['delete', '--force', id] : ['delete', id], 'delete');
  }

  async state(id: string): Promise<{ res: CmdResult; json?: Record<string, unknown> }> {
    const res = await this.raw(['state', id], 'state');
    let json: Record<string, unknown> | undefined;
    if (res.code === 0) {
      try {
        json = JSON.parse(res.stdout) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
    }
    return { res, json };
  }
}

/** A short description of a failed command for a check's reason. */
export function describeFailure(res: CmdResult): string {
  const what = res.timedOut ? 'timed out' : res.code === null ? `died (${res.signal ?? 'spawn error'})` : `exit ${res.code}`;
  const msg = (res.stderr.trim() || res.stdout.trim()).split('\n').slice(-2).join(' / ');
  return `${what}${msg ? `: ${msg.slice(0, 300)}` : ''}`;
}
