// The runtime-spec's seccomp names and the numbers libseccomp and seccomp(2) use for them.
// The features document (src/cli/features-document.ts) lists the keys of these tables, so a
// name belongs here only when berth really handles it.

/** errno for SCMP_ACT_ERRNO / SCMP_ACT_TRACE when the config gives none (runc's choice). */
export const DEFAULT_ERRNO = 1; // EPERM

/** The SECCOMP_RET_DATA field is 16 bits wide: an errno above this cannot be encoded. */
export const MAX_ERRNO_RET = 0xffff;

/**
 * libseccomp's SCMP_ACT_* values. ERRNO and TRACE carry an errno in the low 16 bits; the
 * others ignore the argument. SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath: the filter is
 * then loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER and the notify fd goes to the listener.
 */
export const ACTIONS: Record<string, (errno: number) => number> = {
  SCMP_ACT_KILL: () => 0x00000000,
  SCMP_ACT_KILL_THREAD: () => 0x00000000,
  SCMP_ACT_KILL_PROCESS: () => 0x80000000,
  SCMP_ACT_TRAP: () => 0x00030000,
  SCMP_ACT_ERRNO: (errno) => (0x00050000 | (errno & 0xffff)) >>> 0,
  SCMP_ACT_TRACE: (errno) => (0x7ff00000 | (errno & 0xffff)) >>> 0,
  SCMP_ACT_LOG: () => 0x7ffc0000,
  SCMP_ACT_NOTIFY: () => 0x7fc00000,
  SCMP_ACT_ALLOW: () => 0x7fff0000,
};

/** The actions whose errnoRet / defaultErrnoRet means something. */
export const ERRNO_ACTIONS: ReadonlySet<string> = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);

/** libseccomp's enum scmp_compare. */
export const OPERATORS: Record<string, number> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/**
 * seccomp(2) SECCOMP_FILTER_FLAG_* bits. TSYNC maps to 0: it synchronises the filter across
 * the caller's threads, and the clone child that loads it has only one.
 */
export const FLAGS: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: 0,
  SECCOMP_FILTER_FLAG_LOG: 1 << 1,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 1 << 2,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 1 << 5,
};

/** seccomp(2) flag for a filter with SCMP_ACT_NOTIFY rules: seccomp returns the notify fd. */
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3;

/**
 * Syscalls SCMP_ACT_NOTIFY may not name: the clone child makes them between loading the filter
 * and the runtime holding the notify fd, so nobody could ever answer (runc refuses `write` for
 * the same reason; berth's child uses sendmsg).
 */
export const NOTIFY_FORBIDDEN: ReadonlySet<string> = new Set(['sendmsg']);

/**
 * Flags the kernel accepts only together with SECCOMP_FILTER_FLAG_NEW_LISTENER (a notify
 * listener); without one seccomp(2) fails with EINVAL.
 */
export const LISTENER_ONLY_FLAGS: ReadonlySet<string> = new Set(['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']);

/** The spec's SCMP_ARCH_* names -> libseccomp's (seccomp_arch_resolve_name) names. */
export const ARCHITECTURES: Record<string, string> = {
  SCMP_ARCH_X86: 'x86',
  SCMP_ARCH_X86_64: 'x86_64',
  SCMP_ARCH_X32: 'x32',
  SCMP_ARCH_ARM: 'arm',
  SCMP_ARCH_AARCH64: 'aarch64',
  SCMP_ARCH_LOONGARCH64: 'loongarch64',
  SCMP_ARCH_M68K: 'm68k',
  SCMP_ARCH_MIPS: 'mips',
  SCMP_ARCH_MIPS64: 'mips64',
  SCMP_ARCH_MIPS64N32: 'mips64n32',
  SCMP_ARCH_MIPSEL: 'mipsel',
  SCMP_ARCH_MIPSEL64: 'mipsel64',
  SCMP_ARCH_MIPSEL64N32: 'mipsel64n32',
  SCMP_ARCH_PPC: 'ppc',
  SCMP_ARCH_PPC64: 'ppc64',
  SCMP_ARCH_PPC64LE: 'ppc64le',
  SCMP_ARCH_S390: 's390',
  SCMP_ARCH_S390X: 's390x',
  SCMP_ARCH_SH: 'sh',
  SCMP_ARCH_SHEB: 'sheb',
  SCMP_ARCH_PARISC: 'parisc',
  SCMP_ARCH_PARISC64: 'parisc64',
  SCMP_ARCH_RISCV64: 'riscv64',
};
