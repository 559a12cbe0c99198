// Mount operations: the rootfs made a private mount point, then every config mount in order
// with its destination resolved inside the rootfs by the child (never by string joining here).

import * as path from '../sys/posix-path.js';
import { ConfigError } from '../errors.js';
import { normalizeContainerPath } from '../spec/container-path.js';
import type { Mount, Spec } from '../spec/types.js';
import { AT_RECURSIVE, MOUNT_ATTR, MS } from './linux-constants.js';
import { type MountOptions, parseMountOptions, PROPAGATION, UNSUPPORTED_MOUNT_OPTIONS } from './mount-options.js';
import { OpCode, PROC_SLOTS } from './ops.js';
import { SyncMsg } from '../sys/sync.js';
import type { PlanWriter } from './writer.js';
import type { LsmHost } from '../host/lsm.js';
import { takesMountLabel, withMountLabel } from './lsm.js';

/** Facts about the host the plan needs; injected so planning stays pure and testable. */
export interface HostFacts {
  /** true for a directory, false for anything else, undefined when the path does not exist */
  isDirectory(hostPath: string): boolean | undefined;
  /** /proc/sys/kernel/cap_last_cap */
  lastCap: number;
  /** the runtime's own permitted capabilities (CapPrm), the most a process it starts can hold; undefined = all */
  permittedCaps?: bigint;
  /** the mount point of the mount that holds `hostPath` (from /proc/self/mountinfo) */
  mountPointOf?(hostPath: string): string;
  /** the runtime's mount table (/proc/self/mountinfo), in order; asked for --no-pivot only */
  mounts?(): readonly HostMount[];
  /** the host's security modules; asked only when the config names a label or profile */
  lsm?(): LsmHost;
  /** user namespaces can be created (user.max_user_namespaces > 0); asked for a create joining a pid namespace */
  userNamespaces?(): boolean;
  /** procfs takes the "pidns" option (fsconfig); asked for a create joining a pid namespace */
  procfsPidns?(): boolean;
}

/** One line of /proc/self/mountinfo, as far as the plan cares. */
export interface HostMount {
  mountPoint: string;
  /** the path inside its filesystem that is mounted ("/" for a full mount) */
  root: string;
  fsType: string;
}

/** A cgroup hierarchy as the container should see it under a "cgroup" mount. */
export interface CgroupView {
  /** directory name under the mount: "cpu", "memory", "unified", ... ("" = the v2 root itself) */
  name: string;
  /** the container's cgroup directory on the host */
  hostPath: string;
  /** cgroup2 hierarchy (the only one on a pure v2 host) */
  v2: boolean;
}

/** Destinations are relative to the container's /; the child resolves them inside the root fd. */
export function containerPath(dest: string): string {
  return normalizeContainerPath(dest).path;
}

export function hostSource(m: Mount, bundle: string): string {
  const src = m.source ?? '';
  return src.startsWith('/') || src === '' ? src : path.resolve(bundle, src);
}

/** The propagation of / inside the new mount namespace before the rootfs is prepared. */
export function rootPropagation(spec: Spec): number {
  const p = spec.linux?.rootfsPropagation;
  if (!p) return MS.SLAVE | MS.REC;
  const flag = PROPAGATION[p];
  if (flag === undefined) throw new ConfigError('/linux/rootfsPropagation', `unknown propagation "${p}"`);
  return flag | MS.REC;
}

/**
 * @param sharesMountNs the container has no mount namespace of its own: the host's propagation
 *   is left alone, and the rootfs bind is what `delete` detaches to take every mount back.
 */
export function planRootfs(w: PlanWriter, spec: Spec, rootfs: string, sharesMountNs = false, facts?: HostFacts): void {
  const origin = '/linux/rootfsPropagation';
  const wanted = rootPropagation(spec);
  const shared = !sharesMountNs && (wanted & MS.SHARED) !== 0;
  if (!sharesMountNs) {
    // An unbindable tree cannot give the rootfs bind below: that one is applied after
    // pivot_root (build.ts), and the tree is made a slave until then.
    const before = (wanted & MS.UNBINDABLE) !== 0 ? MS.SLAVE | MS.REC : wanted;
    w.add(origin, OpCode.Mount, [before, 0, 0, 0], ['', '/', '', '']);
    // pivot_root refuses a shared parent: keep the host's / out of it whatever was asked.
    if (shared) w.add(origin, OpCode.Mount, [MS.PRIVATE, 0, 0, 0], ['', '/', '', '']);
  }
  w.add('/root/path', OpCode.Mount, [MS.BIND | MS.REC, 0, 0, 0], [rootfs, rootfs, '', '']);
  if (shared) {
    // pivot_root also refuses a shared new root or a shared mount holding it: make both
    // private in this namespace; build.ts makes the new / shared again after the pivot.
    w.add(origin, OpCode.Mount, [MS.PRIVATE, 0, 0, 0], ['', rootfs, '', '']);
    const holder = facts?.mountPointOf?.(path.dirname(rootfs));
    if (holder && holder !== '/') w.add(origin, OpCode.Mount, [MS.PRIVATE, 0, 0, 0], ['', holder, '', '']);
  }
  w.add('/root/path', OpCode.OpenRoot, [], [rootfs]);
}

export function planMounts(
  w: PlanWriter,
  spec: Spec,
  bundle: string,
  facts: HostFacts,
  cgroupViews: readonly CgroupView[],
  cgroupNamespace: boolean,
  userNamespace = false,
  /** linux.mountLabel, when SELinux applies it on this host (plan/lsm.ts) */
  mountLabel?: string,
  /** only the config mounts with these indexes (splitProcMounts), in config order; default all */
  only?: ReadonlySet<number>,
  /**
   * How a proc mount is made: mount(2) ('mount'); by the first stage with a throwaway in the
   * joined pid namespace (ProcMount, 'throwaway'); or by the first stage itself, a procfs of
   * the pid namespace the fd names (ProcMake, then ProcPlace where mount(2) would mount it)
   */
  procfsBy: ProcfsBy = 'mount',
): void {
  const made = typeof procfsBy === 'object' ? { pidNsFd: procfsBy.pidNsFd, slots: procSlots(spec) } : undefined;
  (spec.mounts ?? []).forEach((m, i) => {
    if (only && !only.has(i)) return;
    const origin = `/mounts/${i}`;
    for (const opt of m.options ?? []) {
      if (UNSUPPORTED_MOUNT_OPTIONS.has(opt)) {
        throw new ConfigError(`${origin}/options`, `mount option "${opt}" is not supported by berth yet`);
      }
    }
    const dest = containerPath(m.destination);
    const opts = parseMountOptions(m.options);
    const type = m.type ?? '';
    if (isIdmapped(m)) {
      if (!(opts.bind || type === 'bind')) throw new ConfigError(`${origin}/options`, 'idmap and ridmap are supported on bind mounts only');
      const source = hostSource(m, bundle);
      if (facts.isDirectory(source) === undefined) throw new ConfigError(`${origin}/source`, `bind source "${source}" does not exist`);
      // Idmapping needs privilege over the source filesystem, which a container in its own
      // user namespace lacks: the parent has a helper make this mount (container/idmap-mounts.ts).
      w.add(origin, OpCode.SendSync, [SyncMsg.IdmapMount]);
      w.add(origin, OpCode.WaitSync, [SyncMsg.IdmapDone]);
      planBindExtras(w, origin, dest, opts);
      return;
    }
    if (type === 'cgroup' || type === 'cgroup2') {
      planCgroupMount(w, origin, dest, opts.flags, cgroupViews, cgroupNamespace);
      return;
    }
    if (opts.bind || type === 'bind') {
      const source = hostSource(m, bundle);
      const isDir = facts.isDirectory(source);
      if (isDir === undefined) throw new ConfigError(`${origin}/source`, `bind source "${source}" does not exist`);
      const bindFlags = MS.BIND | (opts.recursive ? MS.REC : 0);
      // In a user namespace (new or joined) the source may be out of the container root's
      // reach (a 0700 directory of the host's root): then the parent binds it with its own
      // privileges.
      const privilegedFallback = userNamespace ? [i + 1] : [];
      w.add(origin, OpCode.Mount, [bindFlags, 1, isDir ? 1 : 2, 0, ...privilegedFallback], [source, dest, '', '']);
      planBindExtras(w, origin, dest, opts);
    } else {
      const source = m.source ?? type;
      // A read-only /dev is filled first (pts, shm, device nodes) and made read-only at the
      // end, by devReadonlyRemount, as runc does.
      const flags = dest === '/dev' ? opts.flags & ~MS.RDONLY : opts.flags;
      const data = mountLabel && takesMountLabel(m) ? withMountLabel(opts.data, mountLabel) : opts.data;
      // proc and sysfs only on an ordinary directory (n5 = 1): never through a symlink.
      const ordinaryDir = type === 'proc' || type === 'sysfs' ? [0, 1] : [];
      const attrs = type === 'proc' && procfsBy !== 'mount' ? procMountAttrs(flags) : undefined;
      if (type === 'proc' && made) {
        if (attrs === undefined) throw new Error(`internal: ${origin} has no fsmount form`);
        const slot = made.slots.get(i)!;
        w.add(origin, OpCode.ProcMake, [slot, attrs, made.pidNsFd], [dest, ...procOptions(data)]);
        w.add(origin, OpCode.ProcPlace, [slot, 1, 1], [dest]);
      } else if (attrs !== undefined) w.add(origin, OpCode.ProcMount, [attrs, 1, 1], [dest, ...procOptions(data)]);
      else w.add(origin, OpCode.Mount, [flags, 1, 1, 0, ...ordinaryDir], [source, dest, type, data]);
      planAttrsAndPropagation(w, origin, dest, opts);
    }
  });
}

/** How planMounts makes a proc mount (see its procfsBy); `pidNsFd`: the joined pid namespace's fd. */
export type ProcfsBy = 'mount' | 'throwaway' | { pidNsFd: number };

/** A procfs mount (not a bind of one): what ProcMount, ProcMake and ProcPlace make. */
function isProcfsMount(m: Mount): boolean {
  return m.type === 'proc' && !parseMountOptions(m.options).bind;
}

/** The procfs options of mount data, one per fsconfig call. */
function procOptions(data: string): string[] {
  return data.split(',').filter((o) => o);
}

/** The ProcMake slot of each procfs mount: its place among them in the config. */
function procSlots(spec: Spec): Map<number, number> {
  const slots = new Map<number, number>();
  (spec.mounts ?? []).forEach((m, i) => {
    if (isProcfsMount(m)) slots.set(i, slots.size);
  });
  return slots;
}

/**
 * Whether the first stage can make every procfs mount of the config itself, in config order
 * (ProcMake, ProcPlace): procfs takes "pidns" (asked only when there is a procfs mount), every
 * one's flags have an fsmount form and they fit the slots.
 */
export function procMountsMadeEarly(spec: Spec, procfsPidns: () => boolean): boolean {
  const procs = (spec.mounts ?? []).filter(isProcfsMount);
  if (procs.length === 0) return true;
  if (procs.length > PROC_SLOTS) return false;
  return procs.every((m) => procMountAttrs(parseMountOptions(m.options).flags) !== undefined) && procfsPidns();
}

/**
 * The config mounts split for a create that joins a pid namespace on a kernel whose procfs
 * lacks "pidns" (build.ts): there a procfs shows the pid namespace of the process that opens
 * its context, so the procfs mounts are placed after pivot_root (by a throwaway in that
 * namespace, or by the init after the fork), and with them every later mount on or under one
 * of their destinations (it must stay on top of the procfs) or on an ancestor of one (it must
 * still cover it, as in config order). Earlier mounts under a procfs destination stay before
 * it, so it still covers them. Everything else is mounted before the root switch.
 *
 * A mount that must follow and binds a host path (an lxcfs-style bind onto /proc/meminfo, an
 * idmapped bind, a cgroup mount binding the host's hierarchies: `hostSource`) cannot be made
 * after pivot_root, where no host path is reachable: such a config keeps the order of a fork
 * before every mount.
 */
export interface ProcMountSplit {
  /** indexes of the config mounts placed after the root switch, in config order */
  after: ReadonlySet<number>;
  /** their destinations (container paths) */
  destinations: readonly string[];
  /** one of them binds a host path */
  hostSource: boolean;
}

export function splitProcMounts(spec: Spec): ProcMountSplit {
  const after = new Set<number>();
  const destinations: string[] = [];
  let hostSource = false;
  (spec.mounts ?? []).forEach((m, i) => {
    const dest = containerPath(m.destination);
    if (!isProcfsMount(m) && !destinations.some((d) => onOrUnder(dest, d) || onOrUnder(d, dest))) return;
    after.add(i);
    destinations.push(dest);
    const type = m.type ?? '';
    if (parseMountOptions(m.options).bind || type === 'bind' || type === 'cgroup' || type === 'cgroup2') hostSource = true;
  });
  return { after, destinations, hostSource };
}

/** mount(2) flags a ProcMount carries as fsmount attributes. */
const MS_AS_ATTR: readonly [number, number][] = [
  [MS.RDONLY, MOUNT_ATTR.RDONLY], [MS.NOSUID, MOUNT_ATTR.NOSUID], [MS.NODEV, MOUNT_ATTR.NODEV], [MS.NOEXEC, MOUNT_ATTR.NOEXEC],
  [MS.NOATIME, MOUNT_ATTR.NOATIME], [MS.NODIRATIME, MOUNT_ATTR.NODIRATIME], [MS.STRICTATIME, MOUNT_ATTR.STRICTATIME],
];
/** Flags that change nothing for a new procfs mount (relatime is fsmount's default). */
const MS_NO_ATTR = MS.RELATIME | MS.SILENT;

/** The fsmount attributes for a procfs mount's flags, or undefined when one has no such form. */
export function procMountAttrs(flags: number): number | undefined {
  let attrs = 0;
  let rest = flags & ~MS_NO_ATTR;
  for (const [ms, attr] of MS_AS_ATTR) {
    if ((rest & ms) === 0) continue;
    attrs |= attr;
    rest &= ~ms;
  }
  return rest === 0 ? attrs : undefined;
}

/**
 * Whether the first stage can make every procfs mount of the config itself (ProcMount): user
 * namespaces can be created (the throwaway that opens the fs context needs one), and every
 * proc mount's flags have an fsmount form. Then no mount waits for the fork.
 */
export function procMountsByFirstStage(spec: Spec, userNamespaces: boolean): boolean {
  if (!userNamespaces) return false;
  return (spec.mounts ?? []).every((m) => {
    const opts = parseMountOptions(m.options);
    if (m.type !== 'proc' || opts.bind) return true;
    return procMountAttrs(opts.flags) !== undefined;
  });
}

/** Whether a masked or read-only path waits for the procfs mounts (see splitProcMounts). */
export function waitsForProc(p: string, split: ProcMountSplit): boolean {
  const at = containerPath(p);
  return split.destinations.some((d) => onOrUnder(at, d) || onOrUnder(d, at));
}

/** `p` is `dir` or below it (both normal container paths). */
function onOrUnder(p: string, dir: string): boolean {
  return p === dir || dir === '/' || p.startsWith(dir + '/');
}

/** Whether the mount asks for an idmapped bind (idmap or ridmap). */
export function isIdmapped(m: Mount): boolean {
  return (m.options ?? []).some((o) => o === 'idmap' || o === 'ridmap');
}

function planBindExtras(w: PlanWriter, origin: string, dest: string, opts: MountOptions): void {
  // Flags on a bind only take effect through a remount of that bind.
  const extra = opts.flags & ~(MS.BIND | MS.REC | MS.REMOUNT);
  if (extra !== 0) {
    w.add(origin, OpCode.Mount, [MS.BIND | MS.REMOUNT | extra, 1, 0, 0], ['', dest, '', '']);
  }
  planAttrsAndPropagation(w, origin, dest, opts);
}

function planAttrsAndPropagation(w: PlanWriter, origin: string, dest: string, opts: MountOptions): void {
  if (opts.attrSet !== 0 || opts.attrClr !== 0) {
    w.add(origin, OpCode.MountSetattr, [opts.attrSet, opts.attrClr, AT_RECURSIVE], [dest]);
  }
  for (const prop of opts.propagation) {
    w.add(origin, OpCode.Mount, [prop, 1, 0, 0], ['', dest, '', '']);
  }
}

/**
 * A "cgroup" mount shows the container its own cgroups. With a cgroup namespace on cgroup v2
 * the kernel does that for a fresh cgroup2 mount; otherwise each hierarchy's container
 * directory is bound under a tmpfs (v1) or onto the destination (v2), as runc does.
 */
function planCgroupMount(
  w: PlanWriter,
  origin: string,
  dest: string,
  flags: number,
  views: readonly CgroupView[],
  cgroupNamespace: boolean,
): void {
  const ro = flags & (MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC);
  const pureV2 = views.length === 1 && views[0]!.v2 && views[0]!.name === '';
  if (pureV2) {
    if (cgroupNamespace) {
      w.add(origin, OpCode.Mount, [flags, 1, 1, 0], ['cgroup2', dest, 'cgroup2', '']);
    } else {
      w.add(origin, OpCode.Mount, [MS.BIND | MS.REC, 1, 1, 0], [views[0]!.hostPath, dest, '', '']);
      if (ro) w.add(origin, OpCode.Mount, [MS.BIND | MS.REMOUNT | ro, 1, 0, 0], ['', dest, '', '']);
    }
    return;
  }
  w.add(origin, OpCode.Mount, [MS.NOSUID | MS.NODEV | MS.NOEXEC, 1, 1, 0], ['tmpfs', dest, 'tmpfs', 'mode=755']);
  for (const v of views) {
    const sub = path.join(dest, v.name);
    w.add(origin, OpCode.Mount, [MS.BIND | MS.REC, 1, 1, 0], [v.hostPath, sub, '', '']);
    if (ro) w.add(origin, OpCode.Mount, [MS.BIND | MS.REMOUNT | ro, 1, 0, 0], ['', sub, '', '']);
  }
  if (flags & MS.RDONLY) {
    w.add(origin, OpCode.Mount, [MS.REMOUNT | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.RDONLY, 1, 0, 0], ['', dest, '', '']);
  }
}

/**
 * The last step for a config /dev mount (not a bind) with "ro": planMounts mounted it writable
 * so the devices and mounts below it could be made; the remount keeps its other flags.
 */
export function planDevReadonly(w: PlanWriter, spec: Spec): void {
  (spec.mounts ?? []).forEach((m, i) => {
    if (containerPath(m.destination) !== '/dev') return;
    const opts = parseMountOptions(m.options);
    if (opts.bind || m.type === 'bind' || (opts.flags & MS.RDONLY) === 0) return;
    w.add(`/mounts/${i}`, OpCode.Mount, [opts.flags | MS.REMOUNT, 0, 0, 0], ['', '/dev', '', '']);
  });
}

/**
 * For --no-pivot (runc's msMoveRoot): the host's full proc and sysfs mounts outside the rootfs,
 * which would otherwise stay reachable in the container's mount namespace and let a nested
 * user namespace mount an unmasked procfs. Deepest first is not needed: a detach takes the
 * mounts below along, and HideMount skips what is gone.
 */
export function planHideHostMounts(w: PlanWriter, rootfs: string, hostMounts: readonly HostMount[]): void {
  for (const m of hostMounts) {
    if (m.root !== '/' || (m.fsType !== 'proc' && m.fsType !== 'sysfs')) continue;
    if (m.mountPoint === rootfs || m.mountPoint.startsWith(rootfs + '/')) continue;
    w.add('--no-pivot', OpCode.HideMount, [], [m.mountPoint]);
  }
}

/** Whether the config binds the host's /dev, in which case no device nodes are made. */
export function bindsDev(spec: Spec): boolean {
  return (spec.mounts ?? []).some((m) => {
    if (containerPath(m.destination) !== '/dev') return false;
    const opts = parseMountOptions(m.options);
    return opts.bind || m.type === 'bind';
  });
}
