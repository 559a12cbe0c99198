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
  type HostFacts, planDevReadonly, planHideHostMounts, planMounts, planRootfs, type ProcMountSplit, procMountsByFirstStage,
  procMountsMadeEarly, rootPropagation, splitProcMounts,
} from './mounts.js';
import { BIND_SLOTS, OpCode } from './ops.js';
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

/** How a joining create's first stage makes the filesystem (filesystemBeforeFork). */
export interface FilesystemBeforeFork extends ProcMountSplit {
  /**
   * 'made': the first stage makes the procfs mounts, and the host binds that follow them,
   * before the root switch and places them after it (ProcMake, ProcPlace; BindMake,
   * BindPlace); 'throwaway': it makes them after pivot_root and the
   * closes (ProcMount); 'init': the init mounts them after the fork.
   */
  procfsBy: 'throwaway' | 'made' | 'init';
}

/**
 * The procfs mounts of a create joining a pid namespace and what must follow them
 * (splitProcMounts): placed after pivot_root, by the first stage where it can make a procfs
 * of that namespace itself, else by the init after the fork. Where procfs takes the "pidns"
 * option the first stage makes each one before the root switch, naming the namespace by its
 * fd, and places it after (ProcMake, ProcPlace): no process of its own in that namespace; a
 * plain bind of a host path that must follow one (an lxcfs-style bind onto /proc/meminfo) is
 * made the same way, a detached tree cloned before the root switch and placed after
 * (BindMake, BindPlace). In a user namespace (new or joined) only that works for the procfs:
 * fsmount refuses a procfs there once no full one is visible in the mount namespace, as
 * after pivot_root. Without "pidns", or with a process label to write (an AppArmor profile,
 * an SELinux label: after pivot_root the only procfs the first stage has there is the joined
 * namespace's, without a /proc/self for it), that config keeps the order of a fork before
 * every mount. Outside a user namespace, without "pidns", a throwaway in the namespace opens
 * the context after pivot_root (ProcMount: user namespaces can be created), else the init
 * mounts it. Every way but the init's needs each proc mount's flags to have an fsmount form.
 * The fork comes first (undefined) without a mount namespace (nothing to pivot), with create
 * hooks (createContainer hooks run after the mounts and before pivot_root, and every create
 * hook is told the init's pid, which only exists after the fork), when a mount that must
 * follow a procfs is an idmapped bind or a cgroup mount (the parent's helper or the host's
 * hierarchies: a host source after pivot_root), or when one is a plain bind and the procfs
 * is not 'made', the create is in a user namespace (a source only the parent's privileged
 * bind reaches could not be cloned there: container/idmap-mounts.ts binds onto the
 * destination before pivot_root) or there are more than BIND_SLOTS such binds.
 */
export function filesystemBeforeFork(
  spec: Spec, sharesMountNs: boolean, createHooks: boolean, facts: HostFacts, inUserNs: boolean, labelled: boolean,
): FilesystemBeforeFork | undefined {
  if (sharesMountNs || createHooks || (inUserNs && labelled)) return undefined;
  const split = splitProcMounts(spec);
  if (split.pinned) return undefined;
  if (split.binds > 0 && (inUserNs || split.binds > BIND_SLOTS)) return undefined;
  if (procMountsMadeEarly(spec, () => facts.procfsPidns?.() ?? false)) return { ...split, procfsBy: 'made' };
  // Binds after a procfs only where the procfs is made before the root switch too.
  if (split.binds > 0 || inUserNs) return undefined;
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
    /** what comes last before the root switch (ProcMake: the host's procfs still visible) */
    beforeRootSwitch?: () => void;
    /** false: the caller writes the sysctls (planSysctls) */
    sysctls?: boolean;
  },
): void {
  const { input, proc } = fs;
  const { spec, facts } = input;
  planRootfs(w, spec, input.rootfs, fs.sharesMountNs, facts);
  const only = o.mounts ? new Set((spec.mounts ?? []).map((_, i) => i).filter((i) => !o.mounts!.skip.has(i))) : undefined;
  planMounts(w, spec, input.bundle, facts, input.cgroupViews, fs.cgroupNs, fs.inUserNs, fs.mountLabel, only);
  // In any user namespace, created or joined, mknod is refused: devices are bound instead.
  planDevices(w, spec, fs.inUserNs);

  // createContainer hooks run in these namespaces, after the mounts and before pivot_root.
  if (o.hookSync) planHookSync(w);
  o.beforeRootSwitch?.();

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
  if (o.sysctls !== false) planSysctls(w, spec);
  planMaskedAndReadonly(w, spec, o.paths);
  if (o.late) planLateFilesystem(w, fs, { console: false, paths: () => false });
}

/** linux.sysctl, written through a procfs of the child's own (native/src/child_procfs.c). */
export function planSysctls(w: PlanWriter, spec: Spec): void {
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
