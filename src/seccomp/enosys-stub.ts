// ENOSYS for syscalls newer than the profile. A profile such as Docker's denies (EPERM) every
// syscall it does not list, including those added to the kernel after it was written; glibc
// then sees EPERM for clone3 and the like instead of ENOSYS and does not fall back to the old
// call. Like runc (libcontainer/seccomp/patchbpf) and crun, berth puts a short classic-BPF
// prefix in front of libseccomp's program: per architecture of the filter, a syscall number
// above the highest one the profile names returns ENOSYS; everything else goes on to the filter.

import { ACTIONS } from './names.js';

const ENOSYS = 38;
const RET_ENOSYS = ACTIONS.SCMP_ACT_ERRNO!(ENOSYS);

// libseccomp's arch tokens are the kernel's AUDIT_ARCH_* values, except x32's: x32 syscalls
// reach the filter as AUDIT_ARCH_X86_64 with bit 30 set in the number.
const AUDIT_ARCH_X86_64 = 0xc000003e;
const SCMP_ARCH_X32 = 0x4000003e;
const X32_SYSCALL_BIT = 0x40000000;

// Classic BPF opcodes (linux/filter.h) and the seccomp_data offsets they read.
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGT_K = 0x25;
const JSET_K = 0x45;
const JA = 0x05;
const RET_K = 0x06;
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;

/** The default actions the prefix applies to: a denial an unknown syscall must not get. */
export function needsEnosysStub(defaultAction: number): boolean {
  const allowLike = [ACTIONS.SCMP_ACT_ALLOW!(0), ACTIONS.SCMP_ACT_LOG!(0), ACTIONS.SCMP_ACT_NOTIFY!(0)];
  if (allowLike.includes(defaultAction)) return false;
  // TRACE hands the call to a tracer, which can tell new syscalls apart itself.
  if ((defaultAction & 0xffff0000) >>> 0 === ACTIONS.SCMP_ACT_TRACE!(0)) return false;
  return defaultAction !== RET_ENOSYS;
}

interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/**
 * The prefix for these architectures (libseccomp tokens and the highest syscall number the
 * profile names on each; -1 = none, then the architecture is left to the filter).
 */
export function enosysStub(lastSyscalls: readonly { arch: number; last: number }[]): Insn[] {
  const lastOf = new Map(lastSyscalls.filter((a) => a.last >= 0).map((a) => [a.arch, a.last]));
  const x32Last = lastOf.get(SCMP_ARCH_X32);
  lastOf.delete(SCMP_ARCH_X32);
  if (x32Last !== undefined && !lastOf.has(AUDIT_ARCH_X86_64)) lastOf.set(AUDIT_ARCH_X86_64, -1);

  // Each block ends in "ja <end of stub>" (a 32-bit offset, filled in once the length is known)
  // or its own "ret ENOSYS", so no 8-bit conditional jump ever leaves its block.
  const blocks: Insn[][] = [];
  for (const [arch, last] of lastOf) {
    const body: Insn[] = [{ code: LD_W_ABS, jt: 0, jf: 0, k: OFFSET_NR }];
    if (arch === AUDIT_ARCH_X86_64) {
      // x32 numbers first: without x32 in the profile they go to the filter untouched.
      const x32: Insn[] =
        x32Last === undefined
          ? [{ code: JA, jt: 0, jf: 0, k: -1 }]
          : [{ code: JGT_K, jt: 1, jf: 0, k: x32Last }, { code: JA, jt: 0, jf: 0, k: -1 }, { code: RET_K, jt: 0, jf: 0, k: RET_ENOSYS }];
      const native: Insn[] =
        last < 0
          ? [{ code: JA, jt: 0, jf: 0, k: -1 }]
          : [{ code: JGT_K, jt: 1, jf: 0, k: last }, { code: JA, jt: 0, jf: 0, k: -1 }, { code: RET_K, jt: 0, jf: 0, k: RET_ENOSYS }];
      body.push({ code: JSET_K, jt: native.length, jf: 0, k: X32_SYSCALL_BIT }, ...native, ...x32);
    } else {
      body.push({ code: JGT_K, jt: 1, jf: 0, k: last }, { code: JA, jt: 0, jf: 0, k: -1 }, { code: RET_K, jt: 0, jf: 0, k: RET_ENOSYS });
    }
    blocks.push([{ code: LD_W_ABS, jt: 0, jf: 0, k: OFFSET_ARCH }, { code: JEQ_K, jt: 0, jf: body.length, k: arch }, ...body]);
  }
  const stub = blocks.flat();
  // k = -1 marks "to the end of the stub", where libseccomp's program begins.
  stub.forEach((insn, i) => {
    if (insn.code === JA && insn.k === -1) insn.k = stub.length - i - 1;
  });
  return stub;
}

/** This machine's byte order, without loading node:os (~0.5 ms of CPU in the executable). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The stub in front of libseccomp's program, as the bytes of sock_filter entries. */
export function withEnosysStub(bpf: Buffer, lastSyscalls: readonly { arch: number; last: number }[]): Buffer {
  const stub = enosysStub(lastSyscalls);
  if (stub.length === 0) return bpf;
  const out = Buffer.alloc(stub.length * 8 + bpf.length);
  const le = LITTLE_ENDIAN;
  stub.forEach((insn, i) => {
    const at = i * 8;
    if (le) out.writeUInt16LE(insn.code, at);
    else out.writeUInt16BE(insn.code, at);
    out.writeUInt8(insn.jt, at + 2);
    out.writeUInt8(insn.jf, at + 3);
    if (le) out.writeUInt32LE(insn.k >>> 0, at + 4);
    else out.writeUInt32BE(insn.k >>> 0, at + 4);
  });
  out.set(bpf, stub.length * 8);
  return out;
}
