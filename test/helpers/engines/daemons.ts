// containerd and dockerd started by the tests themselves (no systemd): private sockets, state
// and root directories under one temp dir, no network setup, logs in files the scenarios
// quote when they fail. stop() is synchronous so it also runs from an 'exit' handler
// (scenario.ts stops the engines on exit and on SIGINT/SIGTERM).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mountsUnder } from './leftovers.js';
import { runCmd, sleepMs, waitFor } from './run-cmd.js';

/** The PATH the daemons get: Debian's binaries first (not /usr/local/bin/docker). */
export const daemonPath = '/usr/sbin:/usr/bin:/sbin:/bin';

export interface Daemon {
  name: string;
  pid: number;
  dir: string;
  log: string;
  stop(): void;
}

const running = new Set<Daemon>();

function spawnDaemon(name: string, bin: string, args: string[], dir: string, ready: () => boolean): Daemon {
  const log = path.join(dir, `${name}.log`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], env: { PATH: daemonPath, HOME: '/root' } });
  fs.closeSync(fd);
  child.unref();
  const pid = child.pid!;
  const daemon: Daemon = {
    name,
    pid,
    dir,
    log,
    stop() {
      if (!running.delete(daemon)) return;
      stopProcess(pid);
      unmountUnder(dir);
    },
  };
  running.add(daemon);
  try {
    waitFor(`${name} to answer`, () => {
      if (!alive(pid)) throw new Error(`${name} exited at start:\n${tail(log, 20)}`);
      return ready() ? true : undefined;
    }, 30_000);
  } catch (e) {
    daemon.stop();
    throw e;
  }
  return daemon;
}

/** SIGTERM and wait (a killed dockerd or containerd leaves overlay and shm mounts); SIGKILL after 30 s. */
function stopProcess(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const end = Date.now() + 30_000;
  while (alive(pid)) {
    if (Date.now() > end) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    sleepMs(100);
  }
}

/** Running and not a zombie (our own children stay zombies until the event loop reaps them). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Detaches whatever an engine left mounted below `dir`, deepest first. */
export function unmountUnder(dir: string): void {
  for (const mp of mountsUnder(dir).reverse()) spawnSync('umount', ['-l', mp], { stdio: 'ignore' });
}

export function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface Containerd extends Daemon {
  socket: string;
}

export function startContainerd(dir: string): Containerd {
  fs.mkdirSync(dir, { recursive: true });
  const socket = path.join(dir, 'containerd.sock');
  const config = path.join(dir, 'config.toml');
  fs.writeFileSync(
    config,
    [
      'version = 2',
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      // CRI needs CNI networking; the other snapshotters need devices or filesystems we lack.
      'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]',
      '[grpc]',
      `  address = "${socket}"`,
      '[ttrpc]',
      `  address = "${socket}.ttrpc"`,
      '[debug]',
      '  level = "info"',
      '',
    ].join('\n'),
  );
  const d = spawnDaemon('containerd', '/usr/bin/containerd', ['--config', config], dir, () =>
    fs.existsSync(socket) && runCmd('/usr/bin/ctr', ['--address', socket, 'version'], { timeoutMs: 10_000 }).status === 0,
  );
  return Object.assign(d, { socket });
}

export interface Dockerd extends Daemon {
  socket: string;
  execRoot: string;
  dataRoot: string;
}

/** dockerd with `runtimes` ({name: path}) registered in its daemon.json; it runs its own containerd. */
export function startDockerd(dir: string, runtimes: Record<string, string>, cgroupParent: string): Dockerd {
  fs.mkdirSync(dir, { recursive: true });
  const socket = path.join(dir, 'docker.sock');
  const execRoot = path.join(dir, 'exec');
  const dataRoot = path.join(dir, 'data');
  const config = path.join(dir, 'daemon.json');
  const registered = Object.fromEntries(Object.entries(runtimes).map(([name, bin]) => [name, { path: bin }]));
  fs.writeFileSync(config, JSON.stringify({ runtimes: registered, 'cgroup-parent': cgroupParent }, null, 2));
  const d = spawnDaemon(
    'dockerd',
    '/usr/sbin/dockerd',
    [
      '--config-file', config,
      '--data-root', dataRoot,
      '--exec-root', execRoot,
      '--pidfile', path.join(dir, 'dockerd.pid'),
      '--host', `unix://${socket}`,
      // No networking at all: containers run with --network none.
      '--bridge=none', '--iptables=false', '--ip6tables=false', '--ip-masq=false', '--userland-proxy=false',
      '--storage-driver', 'overlay2',
    ],
    dir,
    () => fs.existsSync(socket) && runCmd(dockerClient, ['--host', `unix://${socket}`, 'version'], { timeoutMs: 10_000 }).status === 0,
  );
  return Object.assign(d, { socket, execRoot, dataRoot });
}

/** Debian's client, matching the daemon (a different static /usr/local/bin/docker may exist). */
export const dockerClient = '/usr/bin/docker';
