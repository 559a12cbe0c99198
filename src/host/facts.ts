// The facts `berth check` reports, decided from what a HostProbe answers. Each fact is one
// line: ok, warn (berth runs, something will not work) or missing (the host lacks it), with
// advice. `fatal` marks the facts without which berth cannot run a container at all.

import type { HostLayout } from '../cgroups/detect.js';
import { CAPABILITIES } from '../plan/linux-constants.js';
import type { KernelProbe } from '../sys/native.js';
import { detectLsm } from './lsm.js';
import type { HostProbe } from './probe.js';
import { BERTH_SUPPORT } from './support.js';

export type FactStatus = 'ok' | 'warn' | 'missing';

export interface Fact {
  name: string;
  status: FactStatus;
  /** what was found */
  detail: string;
  /** what to do about it, or what it means for containers */
  advice: string;
  /** true when berth cannot run containers without it */
  fatal?: boolean;
}

const ENOSYS = 38;
const EINVAL = 22;

const fact = (name: string, status: FactStatus, detail: string, advice: string, fatal = false): Fact =>
  fatal ? { name, status, detail, advice, fatal } : { name, status, detail, advice };

/** "6.18.0-1-amd64" -> [6, 18] */
function kernelVersion(release: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const atLeast = (v: [number, number], major: number, minor: number): boolean => v[0] > major || (v[0] === major && v[1] >= minor);

function kernelFact(host: HostProbe): Fact {
  const release = host.read('/proc/sys/kernel/osrelease')?.trim();
  const v = release ? kernelVersion(release) : undefined;
  if (!release || !v) return fact('kernel', 'warn', 'version unknown', 'cannot read /proc/sys/kernel/osrelease: is /proc mounted?');
  // openat2 (5.6) and close_range (5.9) are used by every container.
  if (!atLeast(v, 5, 9)) return fact('kernel', 'missing', release, 'berth needs Linux 5.9 or later (clone3, openat2, close_range)', true);
  if (!atLeast(v, 5, 12)) return fact('kernel', 'warn', release, 'Linux 5.12 or later adds mount_setattr: idmapped mounts and recursive mount attributes');
  return fact('kernel', 'ok', release, 'new enough for everything berth uses');
}

function rootFact(host: HostProbe): Fact {
  const euid = host.euid();
  if (euid === 0) return fact('root', 'ok', 'running as root', 'berth runs containers as root (rootless is not supported)');
  return fact('root', 'missing', `running as uid ${euid}`, 'run berth as root: rootless containers are not supported', true);
}

/** A syscall that answers EINVAL/EBADF/EFAULT to bad arguments exists; ENOSYS means it does not. */
function present(host: HostProbe, probe: KernelProbe): { there: boolean; errno: number } {
  const errno = host.kernel(probe);
  return { there: errno !== ENOSYS, errno };
}

function interfaceFacts(host: HostProbe, layout: HostLayout | undefined): Fact[] {
  const out: Fact[] = [];
  const clone3 = present(host, 'clone3');
  out.push(clone3.there
    ? fact('clone3', 'ok', 'available', 'containers are started with clone3')
    : fact('clone3', 'missing', 'ENOSYS', 'berth starts every container with clone3 (Linux 5.3)', true));
  // Before 5.7 clone3 refuses the unknown flag with EINVAL; with it, the impossible fd gives EBADF.
  const intoCgroup = host.kernel('clone_into_cgroup');
  const v2 = layout?.version === 2;
  if (intoCgroup !== ENOSYS && intoCgroup !== EINVAL) {
    out.push(fact('clone-into-cgroup', 'ok', 'available', 'on a cgroup v2 host the init is born in its cgroup'));
  } else {
    out.push(fact('clone-into-cgroup', v2 ? 'warn' : 'missing', 'CLONE_INTO_CGROUP unknown to the kernel',
      v2 ? 'berth needs Linux 5.7 to start the init in its v2 cgroup' : 'not needed on this v1/hybrid host (berth places the init by writing cgroup.procs)'));
  }
  const pidfd = present(host, 'pidfd_open');
  out.push(pidfd.there && pidfd.errno === 0
    ? fact('pidfd', 'ok', 'pidfd_open works', 'createContainer hooks join the container through a pidfd')
    : fact('pidfd', 'warn', pidfd.there ? `pidfd_open failed (errno ${pidfd.errno})` : 'ENOSYS', 'createContainer hooks cannot join the container (pidfd_open needs Linux 5.3)'));
  const openat2 = present(host, 'openat2');
  out.push(openat2.there
    ? fact('openat2', 'ok', 'available', 'paths in the rootfs are resolved with RESOLVE_IN_ROOT')
    : fact('openat2', 'missing', 'ENOSYS', 'berth resolves every rootfs path with openat2 (Linux 5.6)', true));
  const setattr = present(host, 'mount_setattr');
  out.push(setattr.there
    ? fact('mount_setattr', 'ok', 'available', 'idmapped mounts and recursive mount attributes (rro, rnosuid, ...) work')
    : fact('mount_setattr', 'missing', 'ENOSYS', 'mounts with idmap/ridmap or recursive attributes fail (needs Linux 5.12)'));
  if (BERTH_SUPPORT.idmapMounts) {
    const release = host.read('/proc/sys/kernel/osrelease')?.trim() ?? '';
    const v = kernelVersion(release);
    const noTmpfs = v !== undefined && !atLeast(v, 6, 3);
    out.push(setattr.there
      ? fact('idmapped-mounts', 'ok', noTmpfs ? `supported by berth and the kernel, but not on tmpfs before Linux 6.3 (this is ${release})` : 'supported by berth and the kernel',
        noTmpfs
          ? 'idmap/ridmap sources on tmpfs (/tmp, /run on many hosts) are refused here; ext4, xfs, btrfs and overlayfs (5.19) allow them'
          : 'whether a filesystem allows them depends on the filesystem (ext4, xfs, btrfs, tmpfs since 6.3, overlayfs since 5.19)')
      : fact('idmapped-mounts', 'missing', 'kernel has no mount_setattr', 'configs with mount uidMappings/gidMappings fail here'));
  }
  out.push(host.exists('/proc/self/ns/time')
    ? fact('time-namespace', 'ok', 'available', 'linux.timeOffsets work')
    : fact('time-namespace', 'missing', 'no /proc/self/ns/time', 'configs with a time namespace fail (needs Linux 5.6 with CONFIG_TIME_NS)'));
  const closeRange = present(host, 'close_range');
  out.push(closeRange.there
    ? fact('close_range', 'ok', 'available', 'the init closes inherited descriptors with close_range')
    : fact('close_range', 'missing', 'ENOSYS', 'berth closes inherited descriptors with close_range (Linux 5.9)', true));
  return out;
}

function cgroupFacts(host: HostProbe, layout: HostLayout | undefined): Fact[] {
  if (!layout) {
    return [fact('cgroups', 'missing', 'no cgroup v1 or v2 mounted at /sys/fs/cgroup', 'mount cgroup2 (or the v1 hierarchies) at /sys/fs/cgroup', true)];
  }
  const out: Fact[] = [];
  if (layout.version === 2) {
    const controllers = (host.read(`${layout.unified.mountPoint}/cgroup.controllers`) ?? '').trim().split(/\s+/).filter(Boolean);
    out.push(fact('cgroup-mode', 'ok', `v2 (unified at ${layout.unified.mountPoint})`, 'cgroup v2: every resource berth supports is enforced there'));
    out.push(fact('cgroup-controllers', controllers.length ? 'ok' : 'warn', `v2: ${controllers.join(' ') || 'none'}`,
      controllers.length ? 'controllers enabled at the root of the unified hierarchy' : 'no controllers: linux.resources cannot be applied'));
  } else {
    const mode = layout.unified ? 'hybrid' : 'v1';
    out.push(fact('cgroup-mode', 'ok', `${mode} (v1 hierarchies under /sys/fs/cgroup${layout.unified ? `, cgroup2 at ${layout.unified.mountPoint}` : ''})`,
      layout.unified ? 'v1 controllers are used; the unified hierarchy holds only the controllers that are not bound in v1' : 'cgroup v1: limits new in v2 (memory.high, io weights per device, ...) are not available'));
    const v1 = layout.hierarchies.flatMap((h) => h.controllers).filter((c) => !c.startsWith('name='));
    const unifiedCtl = layout.unified ? (host.read(`${layout.unified.mountPoint}/cgroup.controllers`) ?? '').trim().split(/\s+/).filter(Boolean) : [];
    const missing = ['cpu', 'memory', 'pids', 'devices', 'freezer'].filter((c) => !v1.includes(c) && !unifiedCtl.includes(c));
    out.push(fact('cgroup-controllers', missing.length ? 'warn' : 'ok',
      `v1: ${v1.join(' ')}${layout.unified ? `; v2 (${layout.unified.mountPoint}): ${unifiedCtl.join(' ') || 'none'}` : ''}`,
      missing.length ? `not mounted: ${missing.join(', ')}: limits of those kinds cannot be applied` : 'the controllers berth uses are mounted'));
  }
  // Creating a cgroup needs write access where the container's cgroup goes; nothing is created here.
  const dirs = layout.version === 2 ? [layout.unified.mountPoint] : layout.hierarchies.map((h) => h.mountPoint);
  const readOnly = dirs.filter((d) => !host.writable(d));
  out.push(readOnly.length
    ? fact('cgroup-create', readOnly.length === dirs.length ? 'missing' : 'warn', `not writable: ${readOnly.join(' ')}`,
      'berth cannot create container cgroups there: mount the cgroup filesystems read-write (inside a container: give it its own cgroup namespace, writable)', readOnly.length === dirs.length)
    : fact('cgroup-create', 'ok', `writable: ${dirs.length === 1 ? dirs[0] : `${dirs.length} hierarchies`}`, 'berth can create container cgroups'));
  return out;
}

function userNamespaceFacts(host: HostProbe): Fact[] {
  if (!host.exists('/proc/self/ns/user')) return [fact('user-namespaces', 'missing', 'kernel without CONFIG_USER_NS', 'configs with a user namespace fail')];
  const max = Number(host.read('/proc/sys/user/max_user_namespaces')?.trim() ?? NaN);
  const out: Fact[] = [];
  if (max === 0) out.push(fact('user-namespaces', 'missing', 'user.max_user_namespaces = 0', 'configs with a user namespace fail: raise user.max_user_namespaces'));
  else out.push(fact('user-namespaces', 'ok', Number.isNaN(max) ? 'available' : `available, at most ${max}`, 'configs with a user namespace and uid/gid mappings work'));
  // Debian and Ubuntu knobs: 0 refuses user namespaces to unprivileged users (root is not affected).
  const debian = host.read('/proc/sys/kernel/unprivileged_userns_clone')?.trim();
  const ubuntu = host.read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns')?.trim();
  if (debian === '0' || ubuntu === '1') {
    out.push(fact('unprivileged-userns', 'warn', debian === '0' ? 'kernel.unprivileged_userns_clone = 0' : 'kernel.apparmor_restrict_unprivileged_userns = 1',
      'only root may create user namespaces: fine for berth (it runs as root), not for rootless tools'));
  } else {
    out.push(fact('unprivileged-userns', 'ok', 'allowed', 'unprivileged users may create user namespaces'));
  }
  return out;
}

function seccompFacts(host: HostProbe): Fact[] {
  const status = host.read('/proc/self/status') ?? '';
  if (!/^Seccomp:/m.test(status)) return [fact('seccomp', 'missing', 'kernel without CONFIG_SECCOMP', 'configs with linux.seccomp fail: use a kernel with seccomp filters')];
  const actions = host.read('/proc/sys/kernel/seccomp/actions_avail')?.trim() ?? '';
  const out = [fact('seccomp', 'ok', actions ? `filters; actions: ${actions}` : 'filters', 'linux.seccomp profiles (Docker\'s default included) are loaded')];
  if (BERTH_SUPPORT.seccompNotify) {
    const notify = host.kernel('seccomp_notify');
    out.push(notify === 0
      ? fact('seccomp-notify', 'ok', 'SECCOMP_RET_USER_NOTIF available', 'SCMP_ACT_NOTIFY rules and linux.seccomp.listenerPath work')
      : fact('seccomp-notify', 'missing', notify === ENOSYS || notify === EINVAL ? 'unknown to the kernel' : `probe failed (errno ${notify})`, 'profiles with SCMP_ACT_NOTIFY fail (needs Linux 5.0)'));
  }
  return out;
}

function lsmFacts(host: HostProbe): Fact[] {
  const lsm = detectLsm(host);
  const out: Fact[] = [];
  if (lsm.apparmor.enabled) {
    out.push(fact('apparmor', 'ok', 'enabled', `process.apparmorProfile is applied (through /proc/${lsm.apparmor.execAttr})`));
  } else {
    out.push(fact('apparmor', 'ok', 'not enabled', 'a config with process.apparmorProfile is refused, as with runc; engines send none on such hosts'));
  }
  if (lsm.selinux.enabled) {
    const enforcing = host.read('/sys/fs/selinux/enforce')?.trim() === '1';
    out.push(fact('selinux', 'ok', enforcing ? 'enforcing' : 'permissive', 'process.selinuxLabel and linux.mountLabel are applied'));
  } else {
    out.push(fact('selinux', 'ok', 'not enabled', 'process.selinuxLabel and linux.mountLabel are skipped with a warning'));
  }
  return out;
}

function capabilityFact(host: HostProbe): Fact {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(host.read('/proc/self/status') ?? '');
  if (!m) return fact('capabilities', 'warn', 'CapBnd unreadable', 'cannot tell which capabilities containers may get');
  const bounding = BigInt('0x' + m[1]);
  const lastCap = Number(host.read('/proc/sys/kernel/cap_last_cap')?.trim() ?? CAPABILITIES.length - 1);
  const absent = CAPABILITIES.filter((_, i) => i <= lastCap && !(bounding & (1n << BigInt(i))));
  if (!absent.length) return fact('capabilities', 'ok', 'the bounding set is full', 'containers can get every capability they ask for');
  return fact('capabilities', 'warn', `missing from the bounding set: ${absent.join(' ')}`,
    'a container asking for these does not get them (berth warns and leaves them out); limits that need them (e.g. raising rlimits past the hard limit with CAP_SYS_RESOURCE) fail');
}

function overlayFact(host: HostProbe): Fact {
  const fss = host.read('/proc/filesystems') ?? '';
  if (/\toverlay$/m.test(fss)) return fact('overlayfs', 'ok', 'available', 'engines can stack image layers');
  if (host.exists('/sys/module/overlay')) return fact('overlayfs', 'ok', 'module loaded', 'engines can stack image layers');
  return fact('overlayfs', 'warn', 'not in /proc/filesystems', 'engines need overlayfs for image layers (modprobe overlay); berth itself mounts whatever the config says');
}

/** Whether a config file names berth as a runtime: a runtime entry or binary path ending in /berth or named berth. */
function namesBerth(text: string | undefined): boolean {
  if (!text) return false;
  return /(^|[\s"'/[.])berth(["'\]]|\s*=|$)/m.test(text);
}

function engineFacts(host: HostProbe): Fact[] {
  const out: Fact[] = [];
  const engines: { name: string; program: string; configs: string[]; how: string }[] = [
    { name: 'containerd', program: 'containerd', configs: ['/etc/containerd/config.toml'], how: 'add a runtime whose BinaryName is berth to /etc/containerd/config.toml (docs/engines.md)' },
    { name: 'dockerd', program: 'dockerd', configs: ['/etc/docker/daemon.json'], how: 'add "runtimes": {"berth": {"path": "/usr/local/bin/berth"}} to /etc/docker/daemon.json (docs/engines.md)' },
    { name: 'podman', program: 'podman', configs: ['/etc/containers/containers.conf', '/usr/share/containers/containers.conf'], how: 'add berth = ["/usr/local/bin/berth"] under [engine.runtimes] in /etc/containers/containers.conf (docs/engines.md)' },
  ];
  for (const e of engines) {
    const bin = host.which(e.program);
    if (!bin) {
      out.push(fact(e.name, 'missing', 'not installed', `optional: install ${e.name} to run berth under it`));
      continue;
    }
    const registeredIn = e.configs.filter((c) => namesBerth(host.read(c)));
    out.push(registeredIn.length
      ? fact(e.name, 'ok', `${bin}; berth registered in ${registeredIn.join(', ')}`, `use berth with ${e.name}'s runtime option`)
      : fact(e.name, 'warn', `${bin}; berth not registered`, e.how));
  }
  return out;
}

/** Every fact, in the order `berth check` prints them. */
export function checkHost(host: HostProbe): Fact[] {
  const layout = host.cgroupLayout();
  return [
    rootFact(host),
    kernelFact(host),
    ...cgroupFacts(host, layout),
    ...userNamespaceFacts(host),
    ...seccompFacts(host),
    ...lsmFacts(host),
    ...interfaceFacts(host, layout),
    capabilityFact(host),
    overlayFact(host),
    ...engineFacts(host),
  ];
}

/** berth can run containers here unless a fatal fact is not ok. */
export const hostReady = (facts: Fact[]): boolean => !facts.some((f) => f.fatal && f.status !== 'ok');

