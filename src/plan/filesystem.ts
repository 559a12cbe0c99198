// The container's filesystem in the launch plan (steps 5 to 7 of docs/ARCHITECTURE.md "Order of
// the child's steps"): rootfs, config mounts, devices, the switch of root, cwd, hostname,
// sysctls, masked and read-only paths, read-only /dev and root. build.ts places these parts
// around the fork: all after it for a new pid namespace (the init is the clone child, nobody
// sees it), before it for a create that joins a pid namespace (docs/ARCHITECTURE.md "A create
// that joins a pid namespace").

import type { Process, Spec } from '../spec/types.js';
import { SyncMsg } from '../sys/sync.js';
import type { PlanInput } from './build.js';
import { planDevices } from './devices.js';
import { planConsole } from './fd-ops.js';
import { MS } from './linux-constants.js';
import {
  type HostFacts, planDevReadonly, planHideHostMounts, planMounts, planRootfs, type ProcfsBy, type ProcMountSplit,
  procMountsByFirstStage, procMountsMadeEarly, rootPropagation, splitProcMounts,
} from './mounts.js';
import { OpCode } from './ops.js';
import type { PlanWriter } from './writer.js';
import { sysctlProcPath } from '../spec/rules/sysctl.js';

export interface FilesystemInput {
  input: PlanInput;
  proc?: Process;
  inUserNs: boolean;
  sharesMountNs: boolean;
  cgroupNs: boolean;
  mountLabel?: string;
}

/**
 * How a joining create's first stage makes the filesystem (filesystemBeforeFork). 'made': it
 * makes every mount in config order before the root switch, each procfs itself (ProcMake,
 * ProcPlace). Where procfs lacks "pidns", the procfs mounts and what must follow them (the
 * split) come after pivot_root: 'throwaway': the first stage makes them after the closes
 * (ProcMount); 'init': the init mounts them after the fork.
 */
export type FilesystemBeforeFork = { procfsBy: 'made' } | (ProcMountSplit & { procfsBy: 'throwaway' | 'init' });

/**
 * How the first stage of a create joining a pid namespace makes the filesystem, or undefined
 * for the fork before every mount. Where procfs takes the "pidns" option ('made') the first
 * stage makes each procfs of the joined namespace itself, naming it by its fd (ProcMake)
 * where mount(2) would mount it (ProcPlace), so every mount keeps its place in config order
 * and no process of this create enters that namespace before the fork: host binds, idmapped
 * binds and cgroup mounts anywhere, and the create hooks' stop before pivot_root, are as in
 * any create. In a user namespace (new or joined) only that works for a procfs: fsmount
 * refuses one there once no full procfs is visible in the mount namespace, as after
 * pivot_root. Without "pidns" the procfs mounts and what follows them wait for pivot_root
 * (splitProcMounts): a throwaway in the namespace opens the context after the closes
 * (ProcMount: where user namespaces can be made), else the init mounts them after the fork;
 * every way but the init's needs each proc mount's flags to have an fsmount form.
 *
 * The fork comes first: without a mount namespace (nothing to pivot); in a user namespace
 * with a process label to write (an AppArmor profile, an SELinux label: after pivot_root the
 * only procfs the first stage has there is the joined namespace's, without a /proc/self for
 * it); and without "pidns": in a user namespace, with create hooks (createContainer hooks run
 * after the mounts, /proc among them, and before pivot_root), or when a mount that must
 * follow a procfs binds a host path (none is reachable after pivot_root).
 */
export function filesystemBeforeFork(
  spec: Spec, sharesMountNs: boolean, createHooks: boolean, facts: HostFacts, inUserNs: boolean, labelled: boolean,
): FilesystemBeforeFork | undefined {
  if (sharesMountNs || (inUserNs && labelled)) return undefined;
  if (procMountsMadeEarly(spec, () => facts.procfsPidns?.() ?? false)) return { procfsBy: 'made' };
  if (inUserNs || createHooks) return undefined;
  const split = splitProcMounts(spec);
  if (split.hostSource) return undefined;
  return { ...split, procfsBy: procMountsByFirstStage(spec, facts.userNamespaces?.() ?? false) ? 'throwaway' : 'init' };
}

export function planHookSync(w: PlanWriter): void {
  w.add('hooks', OpCode.SendSync, [SyncMsg.CreateHooks]);
  w.add('hooks', OpCode.WaitSync, [SyncMsg.HooksDone]);
}

/**
 * The rootfs, the config mounts (all, or all but `mounts.skip`), devices, the create hooks'
 * stop, the switch of root, process.cwd, hostname, domainname, sysctls, and the read-only and
 * masked paths `paths` selects; with `late`, also what planLateFilesystem does.
 */
export function planFilesystem(
  w: PlanWriter,
  fs: FilesystemInput,
  o: {
    mounts?: { skip: ReadonlySet<number> }; hookSync?: boolean; paths: (p: string) => boolean; late: boolean;
    /** how the proc mounts are made (planMounts) */
    procfsBy?: ProcfsBy;
  },
): void {
  const { input, proc } = fs;
  const { spec, facts } = input;
  planRootfs(w, spec, input.rootfs, fs.sharesMountNs, facts);
  const only = o.mounts ? new Set((spec.mounts ?? []).map((_, i) => i).filter((i) => !o.mounts!.skip.has(i))) : undefined;
  planMounts(w, spec, input.bundle, facts, input.cgroupViews, fs.cgroupNs, fs.inUserNs, fs.mountLabel, only, o.procfsBy);
  // In any user namespace, created or joined, mknod is refused: devices are bound instead.
  planDevices(w, spec, fs.inUserNs);

  // createContainer hooks run in these namespaces, after the mounts and before pivot_root.
  if (o.hookSync) planHookSync(w);

  if (fs.sharesMountNs) w.add('/root/path', OpCode.Chroot, [], [input.rootfs]);
  else if (input.noPivot) {
    planHideHostMounts(w, input.rootfs, facts.mounts?.() ?? []);
    w.add('/root/path', OpCode.MoveRoot, [], [input.rootfs]);
  }
  else w.add('/root/path', OpCode.PivotRoot, [], [input.rootfs]);
  const prop = spec.linux?.rootfsPropagation;
  if (prop && !fs.sharesMountNs && (rootPropagation(spec) & (MS.SHARED | MS.UNBINDABLE)) !== 0) {
    w.add('/linux/rootfsPropagation', OpCode.Mount, [rootPropagation(spec), 0, 0, 0], ['', '/', '', '']);
  }

  // A missing process.cwd is made (0755), as runc does, now that the mounts are in place.
  if (proc) w.add('/process/cwd', OpCode.Mkdirs, [0o755], [proc.cwd]);
  // The terminal needs the session of the forked init (TIOCSCTTY): with a fork after this
  // part it comes in planLateFilesystem.
  if (o.late && proc?.terminal) planConsole(w, proc);

  if (spec.hostname !== undefined) w.add('/hostname', OpCode.Sethostname, [], [spec.hostname]);
  if (spec.domainname !== undefined) w.add('/domainname', OpCode.Setdomainname, [], [spec.domainname]);
  // sysctls go through /proc/sys, which readonlyPaths usually covers: write them first.
  planSysctls(w, spec);
  planMaskedAndReadonly(w, spec, o.paths);
  if (o.late) planLateFilesystem(w, fs, { console: false, paths: () => false });
}

/** linux.sysctl, written through a procfs of the child's own (native/src/child_procfs.c). */
function planSysctls(w: PlanWriter, spec: Spec): void {
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    w.add(`/linux/sysctl/${key}`, OpCode.WriteProc, [], ['sys/' + sysctlProcPath(key), value]);
  }
}

/** readonlyPaths then maskedPaths, those `which` selects. */
export function planMaskedAndReadonly(w: PlanWriter, spec: Spec, which: (p: string) => boolean): void {
  (spec.linux?.readonlyPaths ?? []).forEach((p, i) => {
    if (which(p)) w.add(`/linux/readonlyPaths/${i}`, OpCode.ReadonlyPath, [], [p]);
  });
  (spec.linux?.maskedPaths ?? []).forEach((p, i) => {
    if (which(p)) w.add(`/linux/maskedPaths/${i}`, OpCode.MaskPath, [], [p]);
  });
}

/**
 * What follows the masked paths: after a fork into a joined pid namespace, also the
 * terminal and the masked and read-only paths under the procfs mounts (`paths`); then the
 * read-only /dev (after /dev/console, the last thing made in /dev) and the read-only root.
 */
export function planLateFilesystem(w: PlanWriter, fs: FilesystemInput, o: { console: boolean; paths: (p: string) => boolean }): void {
  const { spec } = fs.input;
  if (o.console && fs.proc?.terminal) planConsole(w, fs.proc);
  planMaskedAndReadonly(w, spec, o.paths);
  planDevReadonly(w, spec);
  if (spec.root?.readonly) {
    w.add('/root/readonly', OpCode.Mount, [MS.REMOUNT | MS.BIND | MS.RDONLY | MS.REC, 0, 0, 0], ['', '/', '', '']);
  }
}
