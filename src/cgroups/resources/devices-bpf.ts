// cgroup v2 devices: there are no devices.* files; the kernel asks an eBPF program of type
// BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. This file writes that program from the
// resolved access list (devices-rules.ts); the addon only loads and attaches the bytes.
//
// The program's context is struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
// where access_type = (access bits << 16) | device type. It returns 1 to allow, 0 to deny.
// Layout: load the four values into r2..r5, then one block per exception (each test that
// fails jumps to the next block; a block that gets through returns the exception's verdict),
// then return the default.

import type { DeviceAccess, DeviceRule } from './devices-rules.js';

const BPF_DEVCG_DEV_BLOCK = 1;
const BPF_DEVCG_DEV_CHAR = 2;
const BPF_DEVCG_ACC_MKNOD = 1;
const BPF_DEVCG_ACC_READ = 2;
const BPF_DEVCG_ACC_WRITE = 4;

// Opcodes (linux/bpf.h, linux/bpf_common.h).
const LDX_MEM_W = 0x61; // BPF_LDX | BPF_MEM | BPF_W
const ALU32_AND_K = 0x54; // BPF_ALU | BPF_AND | BPF_K
const ALU32_RSH_K = 0x74; // BPF_ALU | BPF_RSH | BPF_K
const ALU32_MOV_X = 0xbc; // BPF_ALU | BPF_MOV | BPF_X
const ALU64_MOV_K = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K
const JNE_K = 0x55; // BPF_JMP | BPF_JNE | BPF_K
const JNE_X = 0x5d; // BPF_JMP | BPF_JNE | BPF_X
const EXIT = 0x95; // BPF_JMP | BPF_EXIT

export interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

const insn = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });

function accessBits(access: string): number {
  return (access.includes('m') ? BPF_DEVCG_ACC_MKNOD : 0) | (access.includes('r') ? BPF_DEVCG_ACC_READ : 0) | (access.includes('w') ? BPF_DEVCG_ACC_WRITE : 0);
}

/** One exception's block; jumps are written as -1 ("to the next block") and fixed up later. */
function ruleBlock(r: DeviceRule): Insn[] {
  const out: Insn[] = [];
  out.push(insn(JNE_K, 2, 0, -1, r.type === 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
  if (r.access !== 'rwm') {
    // Allowed only when every requested bit is among the rule's: (want & rule) == want.
    out.push(insn(ALU32_MOV_X, 1, 3, 0, 0));
    out.push(insn(ALU32_AND_K, 1, 0, 0, accessBits(r.access)));
    out.push(insn(JNE_X, 1, 3, -1, 0));
  }
  if (r.major >= 0) out.push(insn(JNE_K, 4, 0, -1, r.major));
  if (r.minor >= 0) out.push(insn(JNE_K, 5, 0, -1, r.minor));
  out.push(insn(ALU64_MOV_K, 0, 0, 0, r.allow ? 1 : 0));
  out.push(insn(EXIT, 0, 0, 0, 0));
  return out;
}

export function deviceProgram(access: DeviceAccess): Insn[] {
  const prog: Insn[] = [
    insn(LDX_MEM_W, 2, 1, 0, 0), // r2 = access_type
    insn(ALU32_AND_K, 2, 0, 0, 0xffff), // r2 = device type
    insn(LDX_MEM_W, 3, 1, 0, 0),
    insn(ALU32_RSH_K, 3, 0, 0, 16), // r3 = requested access bits
    insn(LDX_MEM_W, 4, 1, 4, 0), // r4 = major
    insn(LDX_MEM_W, 5, 1, 8, 0), // r5 = minor
  ];
  for (const r of access.exceptions) {
    const block = ruleBlock(r);
    block.forEach((ins, i) => {
      if (ins.off === -1) ins.off = block.length - i - 1; // to the first instruction after the block
    });
    prog.push(...block);
  }
  prog.push(insn(ALU64_MOV_K, 0, 0, 0, access.defaultAllow ? 1 : 0), insn(EXIT, 0, 0, 0, 0));
  return prog;
}

/** struct bpf_insn as bytes: u8 code, u8 (src << 4 | dst), s16 off, s32 imm, little-endian. */
export function encodeProgram(prog: readonly Insn[]): Buffer {
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((p, i) => {
    buf.writeUInt8(p.code, i * 8);
    buf.writeUInt8(((p.src & 0xf) << 4) | (p.dst & 0xf), i * 8 + 1);
    buf.writeInt16LE(p.off, i * 8 + 2);
    buf.writeInt32LE(p.imm, i * 8 + 4);
  });
  return buf;
}
