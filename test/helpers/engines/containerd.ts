// containerd as an engine under test: a private containerd driven with `ctr`, pointing the
// runc shim at berth with `--runc-binary` (the runtime option BinaryName) and at a private
// runtime root with `--runc-root`. Everything lives in one ctr namespace of its own.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startContainerd, unmountUnder, type Containerd } from './daemons.js';
import { imageName, ociArchive, rootfsTar } from './images.js';
import { removeCgroupParents, type Watched } from './leftovers.js';
import { installed, ok, runCmd, runInTerminal, waitFor, type CmdOptions, type CmdResult } from './run-cmd.js';
import type { Runtime } from './runtimes.js';
import type { Engine } from './scenario.js';

const ctrBin = '/usr/bin/ctr';

export class ContainerdEngine implements Engine {
  name = 'containerd';
  /** ctr's default cgroup for a container is /<namespace>/<id>. */
  readonly namespace = `berth-engines-${process.pid}`;
  private dir = '';
  private daemon?: Containerd;

  missing(): string | undefined {
    const absent = ['/usr/bin/containerd', ctrBin, '/usr/bin/containerd-shim-runc-v2'].filter((b) => !installed(b));
    return absent.length ? `${absent.join(', ')} not installed (scripts/setup.sh installs containerd)` : undefined;
  }

  start(): void {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-engines-containerd-'));
    this.daemon = startContainerd(path.join(this.dir, 'daemon'));
    const tar = rootfsTar(this.dir);
    const archive = ociArchive(this.dir, tar, imageName);
    ok(this.ctr(['image', 'import', archive]));
    fs.rmSync(tar);
    fs.rmSync(archive);
  }

  stop(): void {
    this.daemon?.stop();
    removeCgroupParents([`/${this.namespace}`]);
    if (this.dir) {
      unmountUnder(this.dir);
      fs.rmSync(this.dir, { recursive: true, force: true });
      this.dir = '';
    }
  }

  runtimeRoot(rt: Runtime): string {
    return path.join(this.dir, `runtime-${rt.name}`);
  }

  watched(rt: Runtime): Watched {
    // The shim puts its containers in <runc-root>/<namespace>.
    return { runtimeRoots: [path.join(this.runtimeRoot(rt), this.namespace)], cgroupParents: [`/${this.namespace}`], dir: this.dir };
  }

  log(): string | undefined {
    return this.daemon?.log;
  }

  removeAll(): void {
    for (const id of ok(this.ctr(['task', 'ls', '-q'])).split('\n').filter(Boolean)) {
      this.ctr(['task', 'kill', '-s', 'SIGKILL', id]);
      this.ctr(['task', 'delete', '--force', id]);
    }
    const containers = ok(this.ctr(['container', 'ls', '-q'])).split('\n').filter(Boolean);
    if (containers.length) ok(this.ctr(['container', 'delete', ...containers]));
  }

  ctr(args: string[], opts: CmdOptions = {}): CmdResult {
    return runCmd(ctrBin, ['--address', this.daemon!.socket, '--namespace', this.namespace, ...args], opts);
  }

  ctrOnTerminal(args: string[], opts: CmdOptions = {}): CmdResult {
    return runInTerminal(ctrBin, ['--address', this.daemon!.socket, '--namespace', this.namespace, ...args], opts);
  }

  /** `ctr run` with the runtime under test: the shim runs `rt.bin` with root `runtimeRoot(rt)`. */
  runArgs(rt: Runtime, ...opts: string[]): string[] {
    return ['run', '--runc-binary', rt.bin, '--runc-root', this.runtimeRoot(rt), ...opts];
  }

  /** `ctr task ls` status of `id` (RUNNING, PAUSED, STOPPED). */
  taskStatus(id: string): string | undefined {
    const line = ok(this.ctr(['task', 'ls'])).split('\n').find((l) => l.split(/\s+/)[0] === id);
    return line?.split(/\s+/)[2];
  }

  taskPid(id: string): string | undefined {
    const line = ok(this.ctr(['task', 'ls'])).split('\n').find((l) => l.split(/\s+/)[0] === id);
    return line?.split(/\s+/)[1];
  }

  /**
   * Waits for the task to stop, deletes it and then the container; returns the task's exit
   * status (ctr 1.6 has no `task wait`: `task delete` reports a non-zero status as a warning).
   */
  reap(id: string): number {
    waitFor(`task ${id} to stop`, () => (this.taskStatus(id) === 'STOPPED' ? true : undefined));
    const deleted = this.ctr(['task', 'delete', id]);
    ok(deleted);
    ok(this.ctr(['container', 'delete', id]));
    return Number((/exit code (\d+)/.exec(deleted.stderr) ?? [])[1] ?? 0);
  }

  /** Kills the task with SIGKILL and reaps it. */
  remove(id: string): void {
    ok(this.ctr(['task', 'kill', '-s', 'SIGKILL', id]));
    this.reap(id);
  }
}
