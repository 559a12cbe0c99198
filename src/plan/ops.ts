// The launch plan: the flat, ordered list of operations the addon's clone child executes.
//
// TypeScript decides everything (which namespaces, which mounts and flags, which ids and
// capabilities); the child only walks this list with raw syscalls. Each op is a code plus
// two variable-length argument arrays, `n` (integers) and `s` (strings), and optional bytes
// `b`. The meaning of every slot is documented here and mirrored, code for code, by the
// enum in native/src/plan.h. Keep the two in the same order.
//
// Integers travel as JS numbers (exact up to 2^53). -1 in an rlimit slot means RLIM_INFINITY.

export const enum OpCode {
  /** n0 = sync message type the child waits for. Payload (if any) is kept as the "state" buffer. */
  WaitSync = 1,
  /** n0 = sync message type the child sends (no payload). */
  SendSync = 2,
  /** n0 = fd of a namespace file opened by the parent, n1 = CLONE_NEW* type (0 = any). The child closes n0 after joining, unless n2 = 1 (a later ProcMake names it). */
  Setns = 3,
  /** n0 = CLONE_NEW* flags. */
  Unshare = 4,
  /**
   * A write into procfs. s0 = path below the procfs root ("sys/kernel/domainname",
   * "self/oom_score_adj", "thread-self/attr/exec"), s1 = content. The child opens it beneath a
   * procfs instance of its own, never by path (native/src/child_procfs.c), so nothing mounted
   * over /proc can redirect it; written once, no create, no truncate.
   */
  WriteProc = 5,
  /**
   * fork(); the parent half sends SyncMsg.Pid with the new pid and exits 0; the child goes on.
   * n0 = 1: clone with CLONE_PTRACE, so the new process is SpawnTracer's tracee from birth.
   */
  ForkReport = 6,
  /** s0 = path; the "root" directory fd used by ops that resolve paths in the rootfs. */
  OpenRoot = 7,
  /**
   * mount(2). s0 = source ("" = NULL), s1 = target, s2 = fstype ("" = NULL), s3 = data ("" = NULL).
   * n0 = flags, n1 = target resolution (0 = plain host path, 1 = resolve s1 inside the root fd with
   * RESOLVE_IN_ROOT), n2 = create a missing target (0 = no, 1 = directory, 2 = empty file),
   * n3 = 1 if the source is a path inside the root fd (resolved the same safe way).
   * n4 = config mount index + 1 of a bind the parent may make instead (0 = none): when the
   * child's mount(2) fails with EACCES or EPERM (a source its user namespace cannot reach), it
   * sends SyncMsg.PrivilegedBind with value = n4 - 1 and waits for SyncMsg.BindDone.
   * n5 = 1 (proc, sysfs): the target itself must be a directory, not a symlink (ELOOP, ENOTDIR).
   */
  Mount = 8,
  /**
   * s0 = path inside the root; n0 = mode incl. S_IFCHR/S_IFBLK/S_IFIFO, n1 = major, n2 = minor, n3 = uid, n4 = gid.
   * Missing parents made (0755). Something already there is kept; with n5 = 1 it must be the same device (else EEXIST).
   */
  Mknod = 9,
  /** s0 = link target, s1 = link path inside the root. EEXIST ignored; missing parents made (0755). */
  Symlink = 10,
  /** s0 = new root (host path). pivot_root(".", ".") dance, then chdir("/"). */
  PivotRoot = 11,
  /** s0 = new root (host path). For --no-pivot: MS_MOVE the root onto / and chroot into it. */
  MoveRoot = 12,
  /** s0 = path (after pivot). Directory: read-only tmpfs over it; other: bind /dev/null. ENOENT ignored. */
  MaskPath = 13,
  /** s0 = path (after pivot). Recursive bind onto itself, then remount read-only. ENOENT ignored. */
  ReadonlyPath = 14,
  /** s0 = hostname. */
  Sethostname = 15,
  /** s0 = domainname. */
  Setdomainname = 16,
  /** n0 = resource, n1 = soft, n2 = hard (-1 = infinity). */
  Setrlimit = 17,
  /** prctl(n0, n1, n2, n3, n4). */
  Prctl = 18,
  /** capset v3: n0..n5 = effective lo/hi, permitted lo/hi, inheritable lo/hi. */
  Capset = 19,
  /** setgroups(n.length, n). */
  Setgroups = 20,
  /** setresgid(n0, n0, n0). n1 = 1: EINVAL (n0 not mapped in this user namespace) is ignored. */
  Setresgid = 21,
  /** setresuid(n0, n0, n0). n1 = 1: EINVAL (n0 not mapped in this user namespace) is ignored. */
  Setresuid = 22,
  /** umask(n0). */
  Umask = 23,
  /**
   * chdir(s0). n0 = 0: must succeed. n0 = 1 (before the user switch): EACCES/EPERM is not an
   * error, it leaves the chdir pending. n0 = 2 (after it): only when one is pending, and must succeed.
   */
  Chdir = 24,
  /** sched_setattr: n0 policy, n1 nice, n2 priority, n3 flags, n4 runtime, n5 deadline, n6 period. */
  SchedSetattr = 25,
  /** ioprio_set(IOPRIO_WHO_PROCESS, 0, n0 << 13 | n1): n0 class, n1 level. */
  IoprioSet = 26,
  /** personality(n0). */
  Personality = 27,
  /** set_mempolicy(n0 mode|flags, nodemask n1.. as 32-bit halves, low half first; maxnode = 32 * halves + 1). */
  SetMempolicy = 28,
  /** keyctl(KEYCTL_JOIN_SESSION_KEYRING, s0 or NULL when s0 is ""). */
  JoinKeyring = 29,
  /** seccomp(SECCOMP_SET_MODE_FILTER, n0 flags, b = BPF program, 8-byte sock_filter entries). */
  Seccomp = 30,
  /** Reset the signal mask and every signal disposition to default. */
  ResetSignals = 31,
  /** Mark every fd >= n0 close-on-exec (close_range CLOSE_RANGE_CLOEXEC). */
  CloexecFrom = 32,
  /** For fds 0 .. n0-1: clear FD_CLOEXEC and O_NONBLOCK (EBADF ignored). */
  PrepareStdio = 33,
  /** s = candidate absolute paths; the first executable regular file is remembered for Exec. ENOENT if none. */
  ResolveExec = 34,
  /**
   * n0 = fd of the exec fifo, opened O_RDWR by the parent before clone. Blocks reading one byte,
   * which `start` writes. (Opened before the user switch, so the process needs no access to the
   * state directory, and no /proc after pivot_root.) The fd stays open until execve closes it,
   * which tells `start` the user process runs.
   */
  WaitStart = 35,
  /**
   * Run a hook from inside the container and wait for it: s = [path, argv..., env...], n0 = argc,
   * n1 = envc, n2 = timeout seconds (0 = none). The hook's stdin is the state buffer received by WaitSync.
   */
  RunHook = 36,
  /**
   * execve(resolved path, s[0 .. n0-1], s[n0 .. n0+n1-1]). n0 = argc, n1 = envc. n2 = 1: the
   * HOME=... that PasswdHome found is appended to the environment.
   */
  Exec = 37,
  /** dup3(n0, n1, 0). */
  Dup2 = 38,
  /** setsid(). */
  Setsid = 39,
  /** close(n0). */
  Close = 40,
  /** s0 = path inside the root, n0 = mode: mkdir -p, each component resolved safely. */
  Mkdirs = 41,
  /**
   * mount_setattr(2) on the mount at s0 (resolved inside the root fd): n0 = attr_set,
   * n1 = attr_clr, n2 = flags (AT_RECURSIVE for the r* options).
   */
  MountSetattr = 42,
  /** s0 = new root (host path): chdir + chroot, for a container in the runtime's mount namespace. */
  Chroot = 43,
  /**
   * An idmapped bind: open_tree(s0, OPEN_TREE_CLONE, AT_RECURSIVE when n1 = 1), mount_setattr
   * MOUNT_ATTR_IDMAP with the user namespace fd n0 (AT_RECURSIVE when n2 = 1), then move_mount
   * onto s1 resolved inside the root (created as Mount's n2 says, from n3). Run by a helper
   * that joined the container's mount namespace with host privileges (container/idmap-mounts.ts).
   * n0 = -1: no idmapping, a plain bind of a source the container's user namespace cannot reach.
   */
  IdmapBind = 44,
  /**
   * process.terminal, after pivot_root: open s0 (the container's devpts ptmx, never through a
   * symlink), unlock it, open the peer (TIOCGPTPEER), set the size to n0 rows x n1 columns (when
   * both > 0), chown the peer to uid n2 (when > 0), bind the peer on s1 (/dev/console, created
   * if missing; s1 = "" binds nothing: exec's terminal is not the container's console), send the master to the parent (SyncMsg.ConsoleFd, payload s0), make the peer
   * fds 0-2 and the controlling terminal (TIOCSCTTY; the plan did setsid before). n3 (optional,
   * fd-ops.ts ConsolePart) splits it for exec: 1 = all but TIOCSCTTY (while privileged, before
   * the fork), 2 = TIOCSCTTY on fd 0 only (after the fork and setsid).
   */
  Console = 45,
  /** Seccomp with SECCOMP_FILTER_FLAG_NEW_LISTENER in n0; the notify fd goes to the parent (SyncMsg.SeccompFd). */
  SeccompListener = 46,
  /**
   * n0 = uid: reads s0 (the container's /etc/passwd, after the root switch) and keeps
   * "HOME=<home of the first entry with that uid>", or "HOME=/" when there is none, for Exec's n2.
   * Only a regular file is read; lines past 4095 bytes are skipped.
   */
  PasswdHome = 47,
  /**
   * s0 = host path of a mount the container must not reach (before MoveRoot): made a recursive
   * slave (ENOENT: already gone with a parent, skipped), detached; where detaching is refused
   * (EINVAL, EPERM) a tmpfs covers it instead.
   */
  HideMount = 48,
  /**
   * Forks a tracer that stays in the runtime's namespaces and PTRACE_SEIZEs the child
   * (PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL); returns once it has. The tracer continues every
   * stop, hands signals on, detaches each tracee at its execve and exits when none is left
   * (native/src/child_tracer.c). Before the first Setns: the tracer must not enter the
   * container's namespaces. With ForkReport n0 = 1 nothing in the container can ptrace the
   * forked process before its execve (the slot is taken).
   */
  SpawnTracer = 49,
  /** Closes (really, not close-on-exec) every fd except n0.. (ascending) and the sync socket. */
  CloseExcept = 50,
  /**
   * A procfs of the joined pid namespace, made by the first stage without entering it: a
   * throwaway cloned into that namespace with a user and mount namespace of its own opens the
   * fs context (fsopen), the first stage creates, checks (procfs root, else EXDEV) and mounts
   * it (native/src/child_procmount.c). s0 = destination in the root, s1.. = procfs options
   * (fsconfig); n0 = MOUNT_ATTR_* flags, n1 = 1: only onto an ordinary directory, n2 = 1:
   * create a missing destination.
   */
  ProcMount = 51,
  /**
   * A procfs of the joined pid namespace made by the first stage itself and kept detached for
   * ProcPlace (native/src/child_procmount.c): fsopen("proc"), fsconfig "pidns" = n2 (an fd of
   * the joined pid namespace), the procfs options s1.., the superblock, fsmount with the
   * MOUNT_ATTR_* flags n1, kept in slot n0 (0 .. PROC_SLOTS-1); s0 = the destination, for
   * errors. Before the root switch: in a user namespace fsmount refuses a procfs unless a full
   * one is visible in the mount namespace (docs/ARCHITECTURE.md).
   */
  ProcMake = 52,
  /**
   * Moves the mount ProcMake kept in slot n0 onto s0 resolved in the root and closes it;
   * n1 = 1: only onto an ordinary directory, n2 = 1: create a missing destination.
   */
  ProcPlace = 53,
}

/** The slots ProcMake keeps its mounts in (native/src/plan.h PLAN_PROC_SLOTS). */
export const PROC_SLOTS = 8;

export interface Op {
  code: OpCode;
  n?: number[];
  s?: string[];
  b?: Uint8Array;
}

/**
 * What the addon needs to start the child. `ops` are executed in order by the child; a failing
 * op reports {step: index into ops, errno} over the sync socket. `describe[i]` says in the user's
 * terms (a config.json path) what op i came from, so the parent can word the error.
 */
export interface LaunchPlan {
  /** CLONE_NEW* flags (and CLONE_INTO_CGROUP) for clone3. */
  cloneFlags: number;
  /** cgroup v2 directory fd for CLONE_INTO_CGROUP, or -1. */
  cgroupFd: number;
  ops: Op[];
  describe: string[];
}
