// A tiny interpreter for the few eBPF instructions the cgroup device program uses, so unit
// tests can ask the generated program "is c 1:3 read allowed?" without root or a kernel.

import type { Insn } from '../../src/cgroups/resources/devices-bpf.js';

const TYPE = { b: 1, c: 2 } as const;
const ACC = { m: 1, r: 2, w: 4 } as const;

export function runDeviceProgram(prog: readonly Insn[], type: 'b' | 'c', major: number, minor: number, access: string): number {
  const accessBits = [...access].reduce((a, c) => a | ACC[c as keyof typeof ACC], 0);
  const ctx = [(accessBits << 16) | TYPE[type], major, minor];
  const reg = new Array<number>(11).fill(0);
  for (let pc = 0, steps = 0; pc < prog.length && steps < 10_000; pc++, steps++) {
    const { code, dst, src, off, imm } = prog[pc]!;
    switch (code) {
      case 0x61: reg[dst] = ctx[(reg[src]! + off) / 4]! >>> 0; break; // r1 is taken as ctx at 0
      case 0x54: reg[dst] = (reg[dst]! & imm) >>> 0; break;
      case 0x74: reg[dst] = reg[dst]! >>> imm; break;
      case 0xbc: reg[dst] = reg[src]! >>> 0; break;
      case 0xb7: reg[dst] = imm; break;
      case 0x55: if (reg[dst] !== imm) pc += off; break;
      case 0x5d: if (reg[dst] !== reg[src]) pc += off; break;
      case 0x95: return reg[0]!;
      default: throw new Error(`opcode 0x${code.toString(16)} at ${pc} is not one the device program uses`);
    }
  }
  throw new Error('the program ran off its end');
}

/**
 * Runs a classic seccomp BPF program (sock_filter bytes, host order) on one seccomp_data
 * {nr, arch}; returns the SECCOMP_RET_* value. Knows the instructions the ENOSYS stub and a
 * hand-written tail use: ld [0]/[4], jeq/jgt/jset with k, ja, ret k.
 */
export function runSeccompProgram(bytes: Uint8Array, nr: number, arch: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const data = [nr >>> 0, arch >>> 0];
  let a = 0;
  for (let pc = 0, steps = 0; pc * 8 < bytes.length && steps < 10_000; pc++, steps++) {
    const code = view.getUint16(pc * 8, le);
    const jt = view.getUint8(pc * 8 + 2);
    const jf = view.getUint8(pc * 8 + 3);
    const k = view.getUint32(pc * 8 + 4, le);
    switch (code) {
      case 0x20: a = data[k / 4]!; break;
      case 0x15: pc += a === k ? jt : jf; break;
      case 0x25: pc += a > k ? jt : jf; break;
      case 0x45: pc += (a & k) !== 0 ? jt : jf; break;
      case 0x05: pc += k; break;
      case 0x06: return k;
      default: throw new Error(`opcode 0x${code.toString(16)} at ${pc} is not one the seccomp tests use`);
    }
  }
  throw new Error('the program ran off its end');
}
