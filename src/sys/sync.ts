// Every message of the parent <-> child sync protocol, named in one place. Mirrored by
// native/src/sync.h. A message is a 24-byte header {u32 type, i32 step, i32 errno, u32 len,
// i64 value} followed by `len` payload bytes, sent as one SOCK_SEQPACKET datagram. ConsoleFd and
// SeccompFd also carry one file descriptor (SCM_RIGHTS); no other message does.

export const enum SyncMsg {
  /**
   * parent -> child: cgroup placement and id maps are done; go on. Payload (only with
   * BuiltPlan.hookStateWithGo): the state JSON that startContainer hooks get on stdin.
   */
  Go = 1,
  /** child -> parent: value = pid (host pid namespace) of the process that goes on after ForkReport. */
  Pid = 2,
  /** child -> parent: namespaces and mounts are ready, pivot_root not yet done; run prestart, createRuntime, createContainer hooks. */
  CreateHooks = 3,
  /** parent -> child: hooks done. Payload: the state JSON that startContainer hooks get on stdin. */
  HooksDone = 4,
  /** child -> parent: setup is complete; the child now blocks on the exec fifo. */
  Ready = 5,
  /** child -> parent: op `step` failed with `errno`; payload = detail text. The child exits. */
  Error = 6,
  /** parent -> child: give up (a hook failed, or the parent is aborting). */
  Abort = 7,
  /**
   * child -> parent: the next idmap/ridmap mount of the config is due (they come in config
   * order); the parent has a privileged helper make it in the child's mount namespace.
   */
  IdmapMount = 8,
  /** parent -> child: that idmapped mount is in place; go on. */
  IdmapDone = 9,
  /**
   * child -> parent: the pty master of process.terminal, attached with SCM_RIGHTS; payload = the
   * pty's name. The parent hands it on to --console-socket (or proxies it, in `run`).
   */
  ConsoleFd = 10,
  /**
   * child -> parent: the seccomp notify fd (SECCOMP_FILTER_FLAG_NEW_LISTENER), attached with
   * SCM_RIGHTS. The parent sends it with the container process state to linux.seccomp.listenerPath.
   */
  SeccompFd = 11,
  /**
   * child -> parent: value = index of a config bind mount whose source the child's user
   * namespace cannot reach (EACCES/EPERM); a privileged helper makes it in the child's mount
   * namespace, as for idmapped mounts.
   */
  PrivilegedBind = 12,
  /** parent -> child: that bind is in place; go on. */
  BindDone = 13,
}

export const SYNC_HEADER_BYTES = 24;
