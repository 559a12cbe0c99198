// Docker as an engine under test: a private dockerd (with its own containerd) that has berth
// registered in daemon.json `runtimes`; runc is its default runtime and the reference.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dockerClient, startDockerd, unmountUnder, type Dockerd } from './daemons.js';
import { imageName, rootfsTar } from './images.js';
import { removeCgroupParents, type Watched } from './leftovers.js';
import { installed, ok, runCmd, runInTerminal, type CmdOptions, type CmdResult } from './run-cmd.js';
import { runtimesUnderTest, type Runtime } from './runtimes.js';
import type { Engine } from './scenario.js';

export class DockerEngine implements Engine {
  name = 'docker';
  readonly cgroupParent = `/berth-engines-${process.pid}-docker`;
  private dir = '';
  private daemon?: Dockerd;

  missing(): string | undefined {
    const absent = ['/usr/sbin/dockerd', dockerClient, '/usr/bin/containerd', '/usr/bin/containerd-shim-runc-v2'].filter((b) => !installed(b));
    return absent.length ? `${absent.join(', ')} not installed (scripts/setup.sh installs docker.io)` : undefined;
  }

  start(): void {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-engines-docker-'));
    const runtimes = Object.fromEntries(runtimesUnderTest().filter((r) => r.name !== 'runc').map((r) => [r.name, r.bin]));
    this.daemon = startDockerd(path.join(this.dir, 'daemon'), runtimes, this.cgroupParent);
    const tar = rootfsTar(this.dir);
    ok(this.docker(['import', '--change', 'CMD ["sh"]', tar, imageName]));
    fs.rmSync(tar);
  }

  stop(): void {
    this.daemon?.stop();
    removeCgroupParents([this.cgroupParent]);
    if (this.dir) {
      unmountUnder(this.dir);
      fs.rmSync(this.dir, { recursive: true, force: true });
      this.dir = '';
    }
  }

  watched(): Watched {
    // Docker 20.10 gives every runtime without runtimeArgs the same root, <exec-root>/runtime-runc.
    return { runtimeRoots: [path.join(this.daemon!.execRoot, 'runtime-runc/moby')], cgroupParents: [this.cgroupParent], dir: this.dir };
  }

  log(): string | undefined {
    return this.daemon?.log;
  }

  removeAll(): void {
    const ids = ok(this.docker(['ps', '-aq'])).split('\n').filter(Boolean);
    if (ids.length) ok(this.docker(['rm', '-f', ...ids]));
  }

  docker(args: string[], opts: CmdOptions = {}): CmdResult {
    return runCmd(dockerClient, ['--host', `unix://${this.daemon!.socket}`, ...args], opts);
  }

  /** The same, with the client on a terminal (for -t). */
  dockerOnTerminal(args: string[], opts: CmdOptions = {}): CmdResult {
    return runInTerminal(dockerClient, ['--host', `unix://${this.daemon!.socket}`, ...args], opts);
  }

  /** `docker run` arguments with the runtime under test and no network; `args` go after. */
  runArgs(rt: Runtime, ...args: string[]): string[] {
    return ['run', '--runtime', rt.name, '--network', 'none', ...args];
  }

  /** Starts a detached container running `sleep` (or `cmd`), returns its full id. */
  detached(rt: Runtime, cmd: string[] = ['sleep', '1000'], opts: string[] = []): string {
    return ok(this.docker([...this.runArgs(rt, '-d', ...opts), imageName, ...cmd])).trim();
  }

  inspect(id: string, format: string): string {
    return ok(this.docker(['inspect', '--format', format, id])).trim();
  }

  /** The container's cgroup path (below the daemon's cgroup-parent). */
  cgroupOf(id: string): string {
    return `${this.cgroupParent}/${id}`;
  }
}
