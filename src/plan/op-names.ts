// Human names for op codes, for error messages ("mount", "pivot_root", ...).

import { OpCode } from './ops.js';

const NAMES: Record<number, string> = {
  [OpCode.WaitSync]: 'wait for parent',
  [OpCode.SendSync]: 'signal parent',
  [OpCode.Setns]: 'setns',
  [OpCode.Unshare]: 'unshare',
  [OpCode.WriteFile]: 'write',
  [OpCode.ForkReport]: 'fork',
  [OpCode.OpenRoot]: 'open rootfs',
  [OpCode.Mount]: 'mount',
  [OpCode.Mknod]: 'mknod',
  [OpCode.Symlink]: 'symlink',
  [OpCode.PivotRoot]: 'pivot_root',
  [OpCode.MoveRoot]: 'move root (--no-pivot)',
  [OpCode.MaskPath]: 'mask path',
  [OpCode.ReadonlyPath]: 'make path read-only',
  [OpCode.Sethostname]: 'sethostname',
  [OpCode.Setdomainname]: 'setdomainname',
  [OpCode.Setrlimit]: 'setrlimit',
  [OpCode.Prctl]: 'prctl',
  [OpCode.Capset]: 'capset',
  [OpCode.Setgroups]: 'setgroups',
  [OpCode.Setresgid]: 'setresgid',
  [OpCode.Setresuid]: 'setresuid',
  [OpCode.Umask]: 'umask',
  [OpCode.Chdir]: 'chdir',
  [OpCode.SchedSetattr]: 'sched_setattr',
  [OpCode.IoprioSet]: 'ioprio_set',
  [OpCode.Personality]: 'personality',
  [OpCode.SetMempolicy]: 'set_mempolicy',
  [OpCode.JoinKeyring]: 'join session keyring',
  [OpCode.Seccomp]: 'load seccomp filter',
  [OpCode.ResetSignals]: 'reset signals',
  [OpCode.CloexecFrom]: 'close fds',
  [OpCode.PrepareStdio]: 'prepare stdio',
  [OpCode.ResolveExec]: 'find executable',
  [OpCode.WaitStart]: 'wait for start',
  [OpCode.RunHook]: 'run hook',
  [OpCode.Exec]: 'execve',
  [OpCode.Dup2]: 'dup2',
  [OpCode.Setsid]: 'setsid',
  [OpCode.Close]: 'close',
  [OpCode.Mkdirs]: 'mkdir',
  [OpCode.Console]: 'set up the terminal',
  [OpCode.SeccompListener]: 'load seccomp (notify)',
};

export function opName(code: number): string {
  return NAMES[code] ?? `op ${code}`;
}
