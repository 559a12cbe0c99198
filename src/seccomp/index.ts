// linux.seccomp -> libseccomp input -> BPF. The spec's names become libseccomp's numbers
// here; the addon compiles once per create, in the parent; the child only loads the bytes.
// Errors name the JSON path; syscalls this host's libseccomp does not know are skipped with a
// warning, as runc does (profiles list syscalls of newer kernels).

import { ConfigError } from '../errors.js';
import type { Seccomp } from '../spec/types.js';
import type { NativeAddon, NativeSeccompFilter } from '../sys/native.js';

const EPERM = 1;

/** libseccomp's SCMP_ACT_* values; ERRNO and TRACE carry their data in the low 16 bits. */
export const ACTIONS: Record<string, (data: number) => number> = {
  SCMP_ACT_KILL: () => 0x00000000,
  SCMP_ACT_KILL_THREAD: () => 0x00000000,
  SCMP_ACT_KILL_PROCESS: () => 0x80000000,
  SCMP_ACT_TRAP: () => 0x00030000,
  SCMP_ACT_ERRNO: (e) => (0x00050000 | (e & 0xffff)) >>> 0,
  SCMP_ACT_TRACE: (e) => (0x7ff00000 | (e & 0xffff)) >>> 0,
  SCMP_ACT_LOG: () => 0x7ffc0000,
  SCMP_ACT_ALLOW: () => 0x7fff0000,
};

export const OPERATORS: Record<string, number> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/** seccomp(2) flags; TSYNC means nothing for the single-threaded child, so it maps to 0. */
export const FLAGS: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: 0,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 32,
};

/** SCMP_ARCH_X86_64 -> "x86_64" (libseccomp's names). */
export function archName(arch: string): string {
  return arch.replace(/^SCMP_ARCH_/, '').toLowerCase();
}

function action(name: string, errnoRet: number | undefined, where: string): number {
  if (name === 'SCMP_ACT_NOTIFY') throw new ConfigError(where, 'SCMP_ACT_NOTIFY (seccomp notify) is not supported by berth yet');
  const make = ACTIONS[name];
  if (!make) throw new ConfigError(where, `unknown seccomp action "${name}"`);
  return make(errnoRet ?? EPERM);
}

export function seccompFilterInput(s: Seccomp): { filter: NativeSeccompFilter; flags: number } {
  const defaultAction = action(s.defaultAction, s.defaultErrnoRet, '/linux/seccomp/defaultAction');
  let flags = 0;
  (s.flags ?? []).forEach((f, i) => {
    const bit = FLAGS[f];
    if (bit === undefined) throw new ConfigError(`/linux/seccomp/flags/${i}`, `unknown seccomp flag "${f}"`);
    flags |= bit;
  });
  if (s.listenerPath) throw new ConfigError('/linux/seccomp/listenerPath', 'the seccomp notify listener is not supported by berth yet');
  const rules: NativeSeccompFilter['rules'] = [];
  (s.syscalls ?? []).forEach((sc, i) => {
    const where = `/linux/seccomp/syscalls/${i}`;
    const act = action(sc.action, sc.errnoRet, `${where}/action`);
    const args = (sc.args ?? []).map((a, j) => {
      const op = OPERATORS[a.op];
      if (op === undefined) throw new ConfigError(`${where}/args/${j}/op`, `unknown operator "${a.op}"`);
      if (a.index > 5) throw new ConfigError(`${where}/args/${j}/index`, `argument index ${a.index} is out of range 0..5`);
      return { index: a.index, op, value: BigInt(a.value).toString(), valueTwo: BigInt(a.valueTwo ?? 0).toString() };
    });
    for (const name of sc.names) rules.push({ syscall: name, action: act, args });
  });
  return { filter: { defaultAction, architectures: (s.architectures ?? []).map(archName), rules }, flags };
}

export function compileSeccompProgram(s: Seccomp, addon: NativeAddon): { bpf: Buffer; flags: number; warnings: string[] } {
  const { filter, flags } = seccompFilterInput(s);
  let result;
  try {
    result = addon.compileSeccomp(filter);
  } catch (err) {
    throw new ConfigError('/linux/seccomp', (err as Error).message);
  }
  const warnings = result.unknownSyscalls.length
    ? [`/linux/seccomp/syscalls: not known to this host's libseccomp, skipped: ${result.unknownSyscalls.join(', ')}`]
    : [];
  return { bpf: result.bpf, flags, warnings };
}
