// podman as an engine under test: no daemon, but a private containers.conf and storage.conf
// (selected through CONTAINERS_CONF and CONTAINERS_STORAGE_CONF) and the runtime given by
// absolute path with --runtime. podman passes no --root to the runtime, so containers live in
// the runtime's default root (/run/berth, /run/runc). A private one through --runtime-flag
// does not work: conmon's exit command (`podman container cleanup`) does not get the flag,
// so its `delete` misses the container and `podman run --rm` hangs until podman's timeout.
// The global flags below are repeated on every call because the exit command only gets
// flags, never the environment's containers.conf.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CACHE_DIR } from '../../../src/seccomp/cache.js';
import { daemonPath, unmountUnder } from './daemons.js';
import { imageName, rootfsTar } from './images.js';
import { removeCgroupParents, type Watched } from './leftovers.js';
import { installed, ok, runCmd, runInTerminal, type CmdOptions, type CmdResult } from './run-cmd.js';
import { runtimesUnderTest, type Runtime } from './runtimes.js';
import type { Engine } from './scenario.js';

const podmanBin = '/usr/bin/podman';

export class PodmanEngine implements Engine {
  name = 'podman';
  readonly cgroupParent = `/berth-engines-${process.pid}-podman`;
  private dir = '';
  private env: NodeJS.ProcessEnv = {};
  /** Default runtime roots that did not exist before the tests (removed again if empty). */
  private newRoots: string[] = [];

  missing(): string | undefined {
    const absent = [podmanBin, '/usr/bin/conmon'].filter((b) => !installed(b));
    return absent.length ? `${absent.join(', ')} not installed (scripts/setup.sh installs podman)` : undefined;
  }

  start(): void {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-engines-podman-'));
    this.newRoots = runtimesUnderTest().map((rt) => this.runtimeRoot(rt)).filter((d) => !fs.existsSync(d));
    const conf = path.join(this.dir, 'containers.conf');
    const storage = path.join(this.dir, 'storage.conf');
    fs.writeFileSync(
      conf,
      [
        '[containers]',
        // podman raises nofile and nproc to its own maximum by default; that needs
        // CAP_SYS_RESOURCE, which this host's bounding set lacks (runc fails the same way).
        'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
        'log_driver = "k8s-file"',
        '[engine]',
        'cgroup_manager = "cgroupfs"',
        'events_logger = "file"',
        `tmp_dir = "${this.dir}/tmp"`,
        '[network]',
        `network_config_dir = "${this.dir}/networks"`,
        '',
      ].join('\n'),
    );
    fs.writeFileSync(storage, ['[storage]', 'driver = "overlay"', `graphroot = "${this.dir}/storage"`, `runroot = "${this.dir}/run"`, ''].join('\n'));
    this.env = { PATH: daemonPath, HOME: '/root', CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage };
    const tar = rootfsTar(this.dir);
    ok(this.podmanRaw(['import', '--change', 'CMD ["sh"]', tar, imageName]));
    fs.rmSync(tar);
  }

  stop(): void {
    if (!this.dir) return;
    for (const rt of runtimesUnderTest()) {
      try {
        this.removeAll(rt);
      } catch {
        // reported by the scenario that left it
      }
    }
    removeCgroupParents([this.cgroupParent]);
    for (const d of this.newRoots) {
      // berth's seccomp program cache is the root's, not a scenario's leftover: it goes with
      // the root the suite made.
      fs.rmSync(path.join(d, CACHE_DIR), { recursive: true, force: true });
      try {
        fs.rmdirSync(d);
      } catch {
        // not empty: a leftover the scenarios reported
      }
    }
    unmountUnder(this.dir);
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
  }

  runtimeRoot(rt: Runtime): string {
    return `/run/${rt.name}`;
  }

  watched(rt: Runtime): Watched {
    return {
      runtimeRoots: [this.runtimeRoot(rt)],
      cgroupParents: [this.cgroupParent],
      dir: this.dir,
      // podman's own: conmon's cgroup and the storage driver's private mount, made once.
      ignore: new RegExp(`^cgroup .*${this.cgroupParent}/conmon$|^mount ${this.dir}/storage/overlay$`),
    };
  }

  log(): string | undefined {
    return undefined;
  }

  removeAll(rt: Runtime): void {
    ok(this.podman(rt, ['rm', '--all', '--force', '--time', '0']));
  }

  private podmanRaw(args: string[], opts: CmdOptions = {}): CmdResult {
    return runCmd(podmanBin, args, { ...opts, env: this.env });
  }

  /** podman with the runtime `rt` (by path) and the engine's private directories. */
  podman(rt: Runtime, args: string[], opts: CmdOptions = {}): CmdResult {
    return runCmd(podmanBin, [...this.runtimeArgs(rt), ...args], { ...opts, env: this.env });
  }

  podmanOnTerminal(rt: Runtime, args: string[], opts: CmdOptions = {}): CmdResult {
    return runInTerminal(podmanBin, [...this.runtimeArgs(rt), ...args], { ...opts, env: this.env });
  }

  private runtimeArgs(rt: Runtime): string[] {
    return ['--runtime', rt.bin, '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--tmpdir', path.join(this.dir, 'tmp')];
  }

  /** `podman run` arguments: no network, the tests' cgroup parent. */
  runArgs(...args: string[]): string[] {
    return ['run', '--network', 'none', '--cgroup-parent', this.cgroupParent, ...args];
  }

  inspect(rt: Runtime, id: string, format: string): string {
    return ok(this.podman(rt, ['inspect', '--format', format, id])).trim();
  }

  /** With cgroupfs, podman puts a container in <parent>/libpod-<id>. */
  cgroupOf(id: string): string {
    return `${this.cgroupParent}/libpod-${id}`;
  }
}
