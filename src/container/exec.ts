// `exec`: start one more process in a running container. The process is built from the
// container's config (or --process FILE) by the same plan steps as the init (plan/exec.ts),
// and run by the same native child: it joins every namespace of the init (setns on a pidfd,
// or /proc/PID/ns/* without pidfd support), lands in the container's cgroup (or a sub-cgroup
// of it), forks into the pid namespace and execs. Refusals leave nothing behind: no process,
// no pid file.

import { errnoCode, io, O_CLOEXEC, O_RDONLY } from '../sys/io.js';
import { cgroupManagerFromRecord } from '../cgroups/index.js';
import { subCgroupRecord } from '../cgroups/sub-cgroup.js';
import { BerthError, LaunchError } from '../errors.js';
import { faultPoint } from '../faults.js';
import { buildExecPlan, execProcess, type ExecProcessFlags, type NamespaceEntry } from '../plan/exec.js';
import { NAMESPACE_PROC_NAME } from '../plan/namespaces.js';
import { compileSeccompCached } from '../seccomp/index.js';
import { parseJsonDocument } from '../spec/json-syntax.js';
import { loadBundle } from '../spec/load.js';
import type { NamespaceType, Process, Spec } from '../spec/types.js';
import { validateProcessSchema } from '../spec/validate.js';
import { StateStore } from '../state/store.js';
import type { StoredState } from '../state/types.js';
import { native } from '../sys/addon.js';
import type { NativeAddon } from '../sys/native.js';
import { SyncMsg } from '../sys/sync.js';
import { commonHandlers, walkChildMessages } from './child-messages.js';
import { reapWithin } from './child-wait.js';
import type { ConsoleProxy } from './console-proxy.js';
import { checkConsoleOptions, connectConsoleSocket } from './fd-passing.js';
import { exitCodeOf, forwardSignals } from './foreground.js';
import { liveHostFacts } from './host-facts.js';
import { writePidFile } from './pid-file.js';
import { killAll, waitGone } from './processes.js';
import { statusOf } from './status.js';
import { phase } from '../profile.js';

export interface ExecOptions extends ExecProcessFlags {
  root: string;
  id: string;
  processFile?: string;
  consoleSocket?: string;
  detach: boolean;
  pidFile?: string;
  preserveFds: number;
  /** --cgroup values: PATH or CONTROLLER[,CONTROLLER]:PATH */
  cgroups: string[];
  ignorePaused: boolean;
  warn: (msg: string) => void;
}


/** --process FILE: a process document, checked against berth's schema; errors name the JSON path. */
export function readProcessFile(file: string): Process {
  let text: string;
  try {
    text = io().readFile(file);
  } catch (err) {
    throw new BerthError(`--process ${file}: ${errnoCode(err) ?? String(err)}`);
  }
  const doc = parseJsonDocument(text, (reason) => new BerthError(`--process ${file}: ${reason}`));
  validateProcessSchema(doc, `--process ${file}`);
  const p = doc as Process;
  if (!p.args?.length) throw new BerthError(`--process ${file} /args: the process needs something to execute`);
  return p;
}

/** The refusals runc makes, in its words. */
function checkRunnable(store: StateStore, st: StoredState, ignorePaused: boolean): void {
  const status = statusOf(store, st);
  if (status === 'stopped') throw new BerthError('cannot exec in a stopped container');
  if (status === 'paused' && !ignorePaused) throw new BerthError('cannot exec in a paused container (use --ignore-paused to override)');
}

/** The init's namespaces: one pidfd for all (Linux 5.8+), else a /proc/PID/ns fd each. */
function openNamespaces(addon: NativeAddon, pid: number, types: NamespaceType[], fds: number[]): NamespaceEntry {
  try {
    const pidfd = addon.pidfdOpen(pid);
    fds.push(pidfd);
    return { pidfd, types };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSYS') throw new BerthError(`cannot reach the container's init (pid ${pid}): ${(err as Error).message}`);
  }
  return {
    files: types.map((type) => {
      const fd = addon.open(`/proc/${pid}/ns/${NAMESPACE_PROC_NAME[type]}`, O_RDONLY | O_CLOEXEC, 0);
      fds.push(fd);
      return { type, fd };
    }),
  };
}

function listenFds(): number {
  const n = Number(process.env.LISTEN_FDS ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export async function execInContainer(o: ExecOptions): Promise<number> {
  const addon = native();
  const store = new StateStore(o.root);
  const st = store.read(o.id);
  checkRunnable(store, st, o.ignorePaused);
  phase('exec: state read, status known');
  // The container's config as create saw it (runc also reads the bundle's config.json).
  const loaded = loadBundle(st.bundle, { startable: false });
  const spec = loaded.spec;
  const proc = o.processFile ? readProcessFile(o.processFile) : execProcess(spec.process, o);
  const execSpec: Spec = { ...spec, process: proc };
  checkConsoleOptions(execSpec, o.consoleSocket, !o.detach);
  const cgroupRecord = o.cgroups.length ? subCgroupRecord(st.cgroup, o.cgroups) : st.cgroup;
  for (const dir of Object.values(cgroupRecord.paths)) {
    if (!io().exists(dir)) throw new BerthError(`--cgroup: ${dir} does not exist`);
  }
  phase('exec: config loaded and validated');
  // Usually create's program, kept under --root (seccomp/cache.ts).
  const compiled = spec.linux?.seccomp ? compileSeccompCached(spec.linux.seccomp, addon, o.root) : undefined;
  const seccomp = compiled?.program;

  const fds: number[] = [];
  let childPid = 0;
  let pid = 0;
  let consoleFd = -1;
  let succeeded = false;
  const closeFds = () => {
    for (const fd of fds.splice(0)) {
      try {
        addon.close(fd);
      } catch {
        // already closed
      }
    }
  };
  let proxy: ConsoleProxy | undefined;
  // The process may be a grandchild (forked into the pid namespace): become its reaper. And
  // berth forwards signals from now on, so none can end it while its process starts.
  let ready = false;
  const forwarding = o.detach ? undefined : forwardSignals(() => (ready ? pid : 0), () => proxy);
  if (!o.detach) addon.setChildSubreaper();
  try {
    const types = (st.namespaces ?? spec.linux?.namespaces ?? []).map((n) => n.type);
    const namespaces = openNamespaces(addon, st.pid, types, fds);
    const cgroup = cgroupManagerFromRecord(cgroupRecord);
    const cgroupFd = cgroup.openForClone();
    if (cgroupFd >= 0) fds.push(cgroupFd);
    const listen = listenFds();
    const plan = buildExecPlan({
      id: o.id,
      spec: execSpec,
      process: proc,
      rootfs: st.rootfs,
      facts: liveHostFacts(),
      namespaces,
      sharesMountNs: !types.includes('mount'),
      cgroupFd,
      preservedFds: listen + o.preserveFds,
      extraEnv: listen ? [`LISTEN_FDS=${listen}`, 'LISTEN_PID=1'] : [],
      seccomp,
      noNewKeyring: false,
      callerUmask: process.umask(),
      warn: o.warn,
    });
    seccomp?.warnings.forEach(o.warn);
    phase('exec: namespaces opened, seccomp, plan built');
    // The init must still be the one the record names: a pid reused since then is someone else.
    checkRunnable(store, st, o.ignorePaused);
    const child = addon.spawn({ cloneFlags: plan.cloneFlags, cgroupFd: plan.cgroupFd, ops: plan.ops, title: o.id });
    childPid = child.pid;
    phase('exec: child spawned (clone3)');
    pid = plan.forks ? 0 : child.pid;
    fds.push(child.syncFd);
    faultPoint('exec.child-spawned');
    const consoleSocketFd = proc.terminal && o.consoleSocket ? connectConsoleSocket(addon, o.consoleSocket) : -1;
    if (consoleSocketFd >= 0) fds.push(consoleSocketFd);
    if (cgroupFd < 0) cgroup.addProcess(child.pid);
    faultPoint('exec.cgroup-joined');
    if (plan.waitsForGo) addon.syncSend(child.syncFd, SyncMsg.Go);
    faultPoint('exec.go-sent');
    const handlers = commonHandlers({
      addon, plan, spec: execSpec, id: o.id, bundle: st.bundle, consoleSocketFd, consoleSocket: o.consoleSocket,
      // The process's fields came from the config, changed by flags, or from --process.
      source: o.processFile ? `--process ${o.processFile}` : 'exec process (config.json with the exec flags)',
      onPid: (p) => {
        pid = p;
        faultPoint('exec.sync-pid');
      },
      onConsole: (fd) => (consoleFd = fd),
      pid: () => pid,
    });
    // The sync socket is close-on-exec: its end without an Error is the execve having happened.
    await walkChildMessages(addon, child.syncFd, handlers, fds, () => {
      if (!pid) throw new LaunchError('the exec\'d process exited before it was started', 0);
    });
    if (plan.forks) await reapWithin(addon, childPid); // the first stage exits after reporting
    if (consoleFd >= 0) fds.splice(fds.indexOf(consoleFd), 1); // the proxy's now
    closeFds();
    if (o.pidFile) writePidFile(o.pidFile, pid);
    succeeded = true;
    compiled?.persist();
    phase('exec: process executed');
    faultPoint('exec.started');
  } finally {
    if (!succeeded) {
      forwarding?.stop();
      closeFds();
      killAll([pid, childPid]);
      if (childPid) await reapWithin(addon, childPid);
      if (pid && pid !== childPid) await waitGone(pid);
    }
  }
  if (!forwarding) return 0;
  const exited = addon.waitPid(pid);
  // node:tty (~6 ms of CPU to load in the executable) only when there is a pty to proxy.
  if (consoleFd >= 0) proxy = (await import('./console-proxy.js')).proxyConsole(addon, consoleFd, false);
  ready = true;
  forwarding.flush();
  const status = await exited;
  phase('exec: process exited (wait)');
  forwarding.stop();
  await proxy?.finish();
  return exitCodeOf(status);
}
