// `create`: validate the bundle, build the launch plan, spawn the child and walk it through
// the sync points until it is parked on the exec fifo. On any failure everything made so far
// is undone: the child is killed, its cgroup removed, and the state directory deleted.

import { io, O_CLOEXEC, O_DIRECTORY, O_RDONLY, O_RDWR } from '../sys/io.js';
import * as path from '../sys/posix-path.js';
import { thawCgroups } from '../cgroups/freezer.js';
import { cgroupManagerFor, type CgroupManager } from '../cgroups/index.js';
import { BerthError, ConfigError, LaunchError } from '../errors.js';
import { runHooksInContainer } from '../hooks/in-container.js';
import { runHostHooks } from '../hooks/run.js';
import { buildLaunchPlan, isStartable, type BuiltPlan } from '../plan/build.js';
import type { CgroupView } from '../plan/mounts.js';
import { compileSeccompCached, type CachedCompile } from '../seccomp/index.js';
import { loadBundle } from '../spec/load.js';
import type { Spec } from '../spec/types.js';
import { validateId } from '../state/id.js';
import { faultPoint } from '../faults.js';
import { lockContainer, lockRoot, type ContainerLock } from '../state/lock.js';
import { StateStore } from '../state/store.js';
import type { StoredState } from '../state/types.js';
import { readStartTime } from '../state/status.js';
import { rfc3339Nano } from '../state/time.js';
import { native } from '../sys/addon.js';
import type { NativeAddon } from '../sys/native.js';
import { SyncMsg } from '../sys/sync.js';
import { hookState } from './hook-state.js';
import { liveHostFacts } from './host-facts.js';
import { checkCgroupBeforeUse } from './cgroup-checks.js';
import { reapWithin } from './child-wait.js';
import { commonHandlers, walkChildMessages, type SyncHandlers } from './child-messages.js';
import { checkConsoleOptions, connectConsoleSocket } from './fd-passing.js';
import { writeIdMaps } from './id-maps.js';
import { makeIdmappedMount, makePrivilegedBind, prepareIdmappedMounts } from './idmap-mounts.js';
import { writeOomScoreAdj } from './oom-score-adj.js';
import { moveNetDevices } from './net-devices.js';
import { removeHalfCreated } from './half-created.js';
import { writePidFile } from './pid-file.js';
import { killAll, waitGone } from './processes.js';
import { detachRootfsBind, mountIdAt } from './shared-mount-ns.js';
import { refuseJoinsWithNewUserNamespace } from './userns-joins.js';
import { phase } from '../profile.js';

export interface CreateOptions {
  root: string;
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  /** `run` in the foreground: without --console-socket, keep the pty master (CreateResult.consoleFd) */
  consoleProxy?: boolean;
  noPivot: boolean;
  noNewKeyring: boolean;
  preserveFds: number;
  systemdCgroup: boolean;
  warn: (msg: string) => void;
  /**
   * `run`: return the container lock still held (CreateResult.lock), so start goes on under the
   * same lock with the state in memory instead of locking and reading state.json again.
   */
  keepLock?: boolean;
}

export interface CreateResult {
  /** the pty master when consoleProxy kept it (the caller closes it), else -1 */
  consoleFd: number;
  /** process.consoleSize was given (the proxy then leaves the pty's size alone) */
  consoleSized: boolean;
  /** the container's init, as recorded in state.json (run waits for it without reading the record back) */
  pid: number;
  /** the record written to state.json */
  state: StoredState;
  /** with keepLock: the container lock, still held; the caller releases it */
  lock?: ContainerLock;
}


/** Everything create acquires, so a failure can release it in one place. */
class Acquired {
  fds: number[] = [];
  childPid = 0;
  /** the container's init once known (the child itself, or the pid it reported after forking) */
  initPid = 0;
  cgroup?: CgroupManager;
  stateDirMade = false;
  /** the container lock create holds; the child must close its copy */
  lockFd = -1;
  /** without a mount namespace: the rootfs and the mount id under the bind the child makes */
  hostRootfs?: { path: string; mountIdBelow: number };
  /** set once the create hooks began: a failure from then on also runs the poststop hooks (runtime.md) */
  poststop?: () => void;

  constructor(readonly addon: NativeAddon, readonly store: StateStore, readonly id: string) {}

  closeFds(): void {
    for (const fd of this.fds.splice(0)) {
      try {
        this.addon.close(fd);
      } catch {
        // already closed
      }
    }
  }

  async undo(): Promise<void> {
    this.closeFds();
    const initPid = this.initPid;
    // A child frozen meanwhile (cgroup v1) would not die of SIGKILL: thaw first. Only once a
    // child exists: a cgroup found frozen before that is someone else's, and stays so.
    if (this.childPid && this.cgroup) thawCgroups(this.cgroup.describe());
    killAll([initPid, this.childPid]);
    if (this.childPid) await reapWithin(this.addon, this.childPid);
    if (initPid && initPid !== this.childPid) await waitGone(initPid);
    if (this.hostRootfs) detachRootfsBind(this.addon, this.hostRootfs.path, this.hostRootfs.mountIdBelow);
    this.poststop?.();
    this.cgroup?.destroy();
    if (this.stateDirMade) this.store.remove(this.id);
  }
}

/** The container's cgroup directories that exist before create makes them: destroy leaves those. */
function existingDirs(cg: CgroupManager): string[] {
  return [...new Set(Object.values(cg.describe().paths))].filter((dir) => io().exists(dir));
}

function cgroupViews(cg: CgroupManager): CgroupView[] {
  const rec = cg.describe();
  if (rec.version === 2) {
    return Object.values(rec.paths).slice(0, 1).map((hostPath) => ({ name: '', hostPath, v2: true }));
  }
  const seen = new Map<string, CgroupView>();
  for (const [controller, hostPath] of Object.entries(rec.paths)) {
    const rel = path.relative('/sys/fs/cgroup', hostPath).split('/')[0] ?? controller;
    if (!seen.has(rel)) seen.set(rel, { name: rel, hostPath, v2: controller === '' });
  }
  return [...seen.values()];
}

/** The pid the process has in its own (innermost) pid namespace: the last NSpid field. */
function pidInOwnNamespace(pid: number): number {
  const m = /^NSpid:\s*(.*)$/m.exec(io().readFile(`/proc/${pid}/status`));
  const last = Number(m?.[1]?.trim().split(/\s+/).pop());
  return Number.isInteger(last) && last > 0 ? last : pid;
}

/** The v2 device program goes to the cgroup directory through an fd held only for the call. */
export function attachDeviceProgram(addon: NativeAddon, dir: string, insns: Buffer): void {
  const fd = addon.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  try {
    addon.attachDeviceProgram(fd, insns);
  } catch (err) {
    throw new ConfigError('/linux/resources/devices', `cannot install the device access program on ${dir}: ${(err as Error).message}`);
  } finally {
    addon.close(fd);
  }
}

function listenFds(): number {
  const n = Number(process.env.LISTEN_FDS ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export async function createContainer(o: CreateOptions): Promise<CreateResult> {
  phase('create: modules loaded');
  validateId(o.id);
  const loaded = loadBundle(o.bundle, { startable: false }); // process is optional at create; start refuses (runtime.md)
  phase('config loaded and validated');
  loaded.warnings.forEach(o.warn);
  checkConsoleOptions(loaded.spec, o.consoleSocket, !!o.consoleProxy);
  refuseJoinsWithNewUserNamespace(loaded.spec);
  const addon = native();
  const store = new StateStore(o.root);
  const lock = claimId(store, o.id);
  const acquired = new Acquired(addon, store, o.id);
  acquired.stateDirMade = true;
  acquired.lockFd = lock.fd;
  phase('state directory and lock');
  let handedOver = false;
  try {
    const result = await launch(o, loaded.spec, loaded.bundle, loaded.rootfs, acquired);
    if (!o.keepLock) return result;
    handedOver = true;
    return { ...result, lock };
  } catch (err) {
    await acquired.undo();
    throw err;
  } finally {
    if (!handedOver) lock.release();
  }
}

/**
 * Makes the id's directory and takes its lock, as one step for anyone who holds the root's lock
 * (half-created.ts). The lock is held until create returns: others see a create in progress,
 * not a leftover. A create killed half-way left its directory: reclaim the id, once. While
 * another create runs, the answer stays runc's "already exists".
 */
function claimId(store: StateStore, id: string): ContainerLock {
  for (let attempt = 0; ; attempt++) {
    const root = lockRoot(store);
    try {
      store.createDir(id); // exclusive: of two creates of one id, exactly one gets here
      faultPoint('create.state-dir-made');
      const lock = lockContainer(store, id);
      faultPoint('create.locked');
      return lock;
    } catch (err) {
      if (attempt > 0 || !store.hasDir(id)) throw err;
    } finally {
      root.release();
    }
    let reclaimed = false;
    try {
      reclaimed = removeHalfCreated(store, id);
    } catch {
      // still being created
    }
    if (!reclaimed) throw new BerthError(`container with given ID already exists: ${id}`);
  }
}

async function launch(o: CreateOptions, spec: Spec, bundle: string, rootfs: string, a: Acquired): Promise<CreateResult> {
  const { addon, store } = a;
  const cgroup = cgroupManagerFor({ id: o.id, cgroupsPath: spec.linux?.cgroupsPath, systemd: o.systemdCgroup });
  // Before anything is made outside the state directory, say what will be (half-created.ts).
  store.writeCreating(o.id, { cgroup: { ...cgroup.describe(), kept: existingDirs(cgroup) } });
  faultPoint('create.creating-record');
  const fifo = store.fifoPath(o.id);
  addon.mkfifo(fifo, 0o600);
  faultPoint('create.fifo-made');
  // O_RDWR never blocks on a fifo; the child inherits it and blocks reading until `start`.
  const execFifoFd = addon.open(fifo, O_RDWR | O_CLOEXEC, 0);
  a.fds.push(execFifoFd);

  a.cgroup = cgroup;
  cgroup.create();
  faultPoint('create.cgroup-created');
  checkCgroupBeforeUse(cgroup, o.warn);
  // Limits go in before the child exists: it is born in (or moved into) a cgroup that is
  // already restricted, so no user code ever runs unlimited.
  cgroup.applyResources(
    { resources: spec.linux?.resources, devices: spec.linux?.devices },
    { warn: o.warn, attachDeviceProgram: (dir, insns) => attachDeviceProgram(addon, dir, insns) },
  );
  faultPoint('create.cgroup-limits');
  const cgroupFd = cgroup.openForClone();
  phase('cgroups made and limited');
  if (cgroupFd >= 0) a.fds.push(cgroupFd);

  const namespaceFds = new Map<number, number>();
  (spec.linux?.namespaces ?? []).forEach((ns, i) => {
    if (!ns.path) return;
    try {
      const fd = addon.open(ns.path, O_RDONLY | O_CLOEXEC, 0);
      a.fds.push(fd);
      namespaceFds.set(i, fd);
    } catch (err) {
      throw new BerthError(`config.json /linux/namespaces/${i}/path: cannot open ${ns.path}: ${(err as Error).message}`);
    }
  });

  const idmapped = await prepareIdmappedMounts(addon, spec, a.fds);

  // A compiled program is kept under --root for the next create of the same section (seccomp/cache.ts).
  const compiled: CachedCompile | undefined = spec.linux?.seccomp && isStartable(spec) ? compileSeccompCached(spec.linux.seccomp, addon, o.root) : undefined;
  const seccomp = compiled?.program;
  seccomp?.warnings.forEach(o.warn);
  phase(compiled?.fromCache ? 'seccomp program from the cache' : 'seccomp compiled');

  const listen = listenFds();
  const hooks = spec.hooks ?? {};
  const plan: BuiltPlan = buildLaunchPlan({
    id: o.id,
    spec,
    bundle,
    rootfs,
    facts: liveHostFacts(),
    closeInChild: a.lockFd >= 0 ? [a.lockFd] : [],
    namespaceFds,
    cgroupFd,
    cgroupViews: cgroupViews(cgroup),
    execFifoFd,
    noPivot: o.noPivot,
    noNewKeyring: o.noNewKeyring,
    preservedFds: listen + o.preserveFds,
    extraEnv: listen ? [`LISTEN_FDS=${listen}`, 'LISTEN_PID=1'] : [],
    seccomp,
    callerUmask: process.umask(),
    createHooks: !!(hooks.prestart?.length || hooks.createRuntime?.length || hooks.createContainer?.length),
    warn: o.warn,
  });

  phase('plan built');
  if (plan.sharesMountNs) {
    a.hostRootfs = { path: rootfs, mountIdBelow: mountIdAt(addon, rootfs) };
    store.writeCreating(o.id, { cgroup: { ...cgroup.describe(), kept: [...cgroup.kept] }, rootfs, rootfsMountBelow: a.hostRootfs.mountIdBelow });
    o.warn('config.json /linux/namespaces: no mount namespace, so the container shares the host\'s mounts and is only chrooted (a process with CAP_SYS_CHROOT can leave a chroot)');
  }
  const child = addon.spawn({ cloneFlags: plan.cloneFlags, cgroupFd: plan.cgroupFd, ops: plan.ops, title: o.id });
  a.childPid = child.pid;
  phase('child spawned (clone3)');
  a.fds.push(child.syncFd);
  let initPid = plan.forks ? 0 : child.pid;
  a.initPid = initPid;
  faultPoint('create.child-spawned');
  // Connected only now, so the child (which keeps a copy of every fd until execve) never holds
  // the caller's connection open. A bad path still fails before any message is read.
  const terminal = isStartable(spec) && !!spec.process?.terminal;
  const consoleSocketFd = terminal && o.consoleSocket ? connectConsoleSocket(addon, o.consoleSocket) : -1;
  if (consoleSocketFd >= 0) a.fds.push(consoleSocketFd);
  let consoleFd = -1;

  if (cgroupFd < 0) cgroup.addProcess(child.pid);
  faultPoint('create.cgroup-joined');
  if (spec.linux?.namespaces?.some((n) => n.type === 'user' && !n.path)) {
    writeIdMaps(child.pid, spec.linux.uidMappings ?? [], spec.linux.gidMappings ?? []);
    faultPoint('create.id-maps');
  }
  if (plan.oomScoreAdjByParent !== undefined) {
    writeOomScoreAdj(addon, child.pid, plan.oomScoreAdjByParent);
  }
  phase('child placed in cgroups, id maps');
  // startContainer hooks alone: their stdin goes with Go (plan.hookStateWithGo), the same
  // document the CreateHooks stop would have sent with HooksDone.
  const goPayload = plan.hookStateWithGo ? Buffer.from(JSON.stringify(hookState(spec, o.id, pidInOwnNamespace(child.pid), bundle, 'created'))) : undefined;
  if (plan.waitsForGo) addon.syncSend(child.syncFd, SyncMsg.Go, goPayload);
  faultPoint('create.go-sent');

  let devicesMoved = false;
  // The init, or a joining create's first stage, exists in its namespaces by now: the devices
  // are there for the hooks too.
  const moveDevicesOnce = () => {
    if (!devicesMoved) moveNetDevices(addon, spec, initPid || child.pid);
    devicesMoved = true;
  };
  let createHooksRun = false;
  const handlers: SyncHandlers = {
    ...commonHandlers({
      addon, plan, spec, id: o.id, bundle, consoleSocketFd, consoleSocket: o.consoleSocket,
      onPid: (pid) => {
        initPid = pid;
        a.initPid = pid;
      },
      onConsole: (fd) => (consoleFd = fd),
      pid: () => initPid,
    }),
    [SyncMsg.IdmapMount]: async () => {
      const next = idmapped.shift();
      if (!next) throw new LaunchError('the container process asked for an idmapped mount the config does not have', 0);
      await makeIdmappedMount(addon, next, initPid || child.pid, bundle, rootfs);
      addon.syncSend(child.syncFd, SyncMsg.IdmapDone);
    },
    [SyncMsg.PrivilegedBind]: async (msg) => {
      await makePrivilegedBind(addon, spec, msg.value, initPid || child.pid, bundle, rootfs);
      addon.syncSend(child.syncFd, SyncMsg.BindDone);
    },
    [SyncMsg.CreateHooks]: async () => {
      // A create joining a pid namespace stops twice: its first stage before pivot_root, when
      // no init exists yet (it would be visible to that namespace with the host's root:
      // docs/ARCHITECTURE.md "A create that joins a pid namespace"), so the create hooks are
      // told the first stage's pid, in every namespace of the container but the pid namespace
      // it joined for its children; then the init, with startContainer hooks, for their state.
      const pid = initPid || child.pid;
      // Hooks in the container's namespaces get the pid as seen there (1 in a pid namespace of
      // its own): createContainer's, and the startContainer hooks' stdin.
      const inside = JSON.stringify(hookState(spec, o.id, pidInOwnNamespace(pid), bundle, 'created'));
      if (!createHooksRun) {
        createHooksRun = true;
        faultPoint('create.sync-create-hooks');
        moveDevicesOnce();
        // A failing hook stops the container and continues the lifecycle at delete: poststop runs.
        a.poststop = () => runHostHooks('poststop', hooks.poststop, JSON.stringify(hookState(spec, o.id, pid, bundle, 'stopped')), o.warn);
        // Status "created": runtime.md's lifecycle runs these hooks at steps 3-5, and "created" is
        // the status "after step 2" ("creating" is step 2 itself). runc says "creating"; crun and
        // the runtime-tools test hooks_stdin say "created". (docs/conformance.md)
        const created = JSON.stringify(hookState(spec, o.id, pid, bundle, 'created'));
        faultPoint('create.hook-prestart');
        runHostHooks('prestart', hooks.prestart, created, o.warn);
        faultPoint('create.hook-create-runtime');
        runHostHooks('createRuntime', hooks.createRuntime, created, o.warn);
        faultPoint('create.hook-create-container');
        if (hooks.createContainer?.length) await runHooksInContainer(addon, pid, hooks.createContainer, inside);
      }
      addon.syncSend(child.syncFd, SyncMsg.HooksDone, Buffer.from(inside));
      faultPoint('create.hooks-done');
    },
    [SyncMsg.Ready]: () => {
      faultPoint('create.sync-ready');
      moveDevicesOnce();
      return 'done';
    },
  };
  await walkChildMessages(addon, child.syncFd, handlers, a.fds, () => {
    throw new LaunchError('the container process exited before it was ready', 0);
  });

  phase('child ready (parked on the exec fifo)');
  const startTime = readStartTime(initPid);
  if (startTime === null) throw new LaunchError('the container process exited before it was ready', 0);
  const state: StoredState = {
    ociVersion: '1.3.0',
    id: o.id,
    pid: initPid,
    pidStartTime: startTime,
    bundle,
    rootfs,
    created: rfc3339Nano(),
    owner: '',
    annotations: spec.annotations ?? {},
    startable: isStartable(spec),
    namespaces: (spec.linux?.namespaces ?? []).map((n) => (n.path ? { type: n.type, path: n.path } : { type: n.type })),
    cgroup: cgroup.describe(),
    hooks: { poststart: hooks.poststart, poststop: hooks.poststop },
    ...(a.hostRootfs ? { rootfsMountBelow: a.hostRootfs.mountIdBelow } : {}),
  };
  store.write(o.id, state);
  phase('state written');
  faultPoint('create.state-written');
  if (o.pidFile) writePidFile(o.pidFile, initPid);
  faultPoint('create.pid-file');
  compiled?.persist(); // only a program that made a container is kept
  if (consoleFd >= 0) a.fds.splice(a.fds.indexOf(consoleFd), 1); // the caller's now
  a.closeFds();
  if (plan.forks) await reapWithin(addon, child.pid); // the first stage exits after reporting
  faultPoint('create.done');
  phase('create done');
  return { consoleFd, consoleSized: !!spec.process?.consoleSize, pid: initPid, state };
}
