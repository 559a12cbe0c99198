// The typed face of the native addon (native/src/addon.cc). Everything here is a thin call
// into the kernel; nothing decides policy. Tests that need no root use a double of this
// interface instead of the real addon.

import type { Op } from '../plan/ops.js';

export interface SpawnRequest {
  cloneFlags: number;
  cgroupFd: number;
  ops: Op[];
  /** Shown in the child's command line until its execve (the container id): "berth-executor ID". */
  title?: string;
}

export interface SpawnResult {
  /** pid of the child the executor cloned (the caller's child, CLONE_PARENT), in the caller's pid namespace. */
  pid: number;
  /** the parent's end of the SOCK_SEQPACKET sync socketpair (close-on-exec). */
  syncFd: number;
}

export interface SyncMessage {
  type: number;
  step: number;
  errno: number;
  value: number;
  payload: Buffer;
  /** a descriptor that came with the message (SCM_RIGHTS, close-on-exec), or -1 */
  fd: number;
}

export interface ExitStatus {
  /** exit code when the process exited, else null */
  code: number | null;
  /** terminating signal number when killed by a signal, else null */
  signal: number | null;
}

/** libseccomp input, already mapped from the spec's names to numbers (see src/seccomp/). */
export interface NativeSeccompArg {
  index: number;
  /** SCMP_CMP_* value */
  op: number;
  /** decimal strings: 64-bit values do not fit a JS number */
  value: string;
  valueTwo: string;
}

export interface NativeSeccompRule {
  syscall: string;
  /** SCMP_ACT_* value (uint32), errno already folded in */
  action: number;
  args: NativeSeccompArg[];
}

export interface NativeSeccompFilter {
  /** SCMP_ACT_* value (uint32) */
  defaultAction: number;
  /** libseccomp architecture names, e.g. "x86_64", "x86", "x32" */
  architectures: string[];
  rules: NativeSeccompRule[];
}

export interface SeccompCompileResult {
  /** the BPF program, 8 bytes per sock_filter instruction */
  bpf: Buffer;
  /** syscall names libseccomp does not know on this host (skipped, as runc does) */
  unknownSyscalls: string[];
  /**
   * Per architecture of the filter (native first): its libseccomp token (the AUDIT_ARCH_*
   * value, SCMP_ARCH_X32 aside) and the highest syscall number the profile names there (-1: none).
   */
  lastSyscalls: { arch: number; last: number }[];
}

/** One address of a network device, as rtnetlink reports it (ifaddrmsg + attributes). */
export interface NetdevAddress {
  family: number;
  prefixlen: number;
  scope: number;
  /** IFA_FLAGS (IFA_F_PERMANENT, ...) */
  flags: number;
  local: Uint8Array | null;
  address: Uint8Array | null;
  broadcast: Uint8Array | null;
}

export interface NativeAddon {
  spawn(req: SpawnRequest): SpawnResult;
  syncSend(fd: number, type: number, payload?: Uint8Array): void;
  /** Blocks up to timeoutMs (-1 = forever). Returns null on EOF (peer gone); throws on timeout. */
  syncRecv(fd: number, timeoutMs: number): SyncMessage | null;
  /** Resolves when the process (a child or, as a subreaper, a descendant) exits. */
  waitPid(pid: number): Promise<ExitStatus>;
  /** Waits (timeoutMs, -1 = forever) until fd reports POLLERR/POLLHUP; false on timeout. */
  waitHangup(fd: number, timeoutMs: number): boolean;
  /** prctl(PR_SET_CHILD_SUBREAPER, 1) */
  setChildSubreaper(): void;
  mkfifo(path: string, mode: number): void;
  /** flock(2); returns false when nonBlocking and the lock is held elsewhere. */
  flock(fd: number, exclusive: boolean, nonBlocking: boolean): boolean;
  /** A memfd holding `bytes`, offset rewound to 0. */
  memfdWithBytes(name: string, bytes: Uint8Array): number;
  close(fd: number): void;
  /** open(2) with raw flags (O_PATH and friends that node's fs does not expose). */
  open(path: string, flags: number, mode: number): number;
  /** pidfd_open(2) (close-on-exec); throws (ENOSYS before Linux 5.3, ESRCH for a gone pid). */
  pidfdOpen(pid: number): number;
  compileSeccomp(filter: NativeSeccompFilter): SeccompCompileResult;
  /** The version of the libseccomp loaded, "major.minor.micro" (part of the compiled-program cache key). */
  seccompVersion(): string;
  /**
   * One harmless kernel probe for `berth check` (native/src/probe.cc): the errno the call gave,
   * 0 on success. The probes change nothing on the host.
   */
  probeKernel(name: KernelProbe): number;
  /** umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW); false when nothing is mounted there. */
  detachMount(path: string): boolean;
  /**
   * Writes `content` into `rel` ("PID/oom_score_adj") below a procfs root of berth's own,
   * checked to be one, opened beneath it without symlinks or mount crossings (as the child's
   * WriteProc op). Throws an errno error.
   */
  writeProcfs(rel: string, content: string): void;
  /** The addresses of a network device of this namespace (rtnetlink RTM_GETADDR). */
  netdevAddresses(name: string): NetdevAddress[];
  /**
   * Moves a network device into the network namespace nsFd under newName (a "%d" template is
   * filled in by the kernel), adds `addresses` to it there and sets it up. Returns its name there.
   */
  netdevMove(name: string, newName: string, nsFd: number, addresses: NetdevAddress[]): string;
  /** bpf(BPF_PROG_LOAD) of a BPF_PROG_TYPE_CGROUP_DEVICE program (struct bpf_insn bytes), then
   *  bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI) to the cgroup v2 directory fd. */
  attachDeviceProgram(cgroupFd: number, insns: Uint8Array): void;
  /** A SOCK_STREAM connection (close-on-exec) to the AF_UNIX socket at path. */
  connectUnix(path: string): number;
  /** Sends data (not empty) with fd attached (SCM_RIGHTS) in one sendmsg. */
  sendFd(socketFd: number, fd: number, data: Uint8Array): void;
  /** ioctl(TIOCSWINSZ) */
  setWinsize(fd: number, rows: number, cols: number): void;
  /** "EPERM", "ENOENT", ... */
  errnoName(errno: number): string;
  /** strerror(3) text */
  strerror(errno: number): string;
}

/** The probes native/src/probe.cc knows. */
export type KernelProbe = 'clone3' | 'clone_into_cgroup' | 'pidfd_open' | 'openat2' | 'close_range' | 'mount_setattr' | 'seccomp_notify' | 'procfs_pidns';
