// Rules for /linux/seccomp from config-linux.md: errno only with actions that return one, the
// notify listener, syscall names and argument indexes.

import type { Spec } from '../types.js';
import type { Findings } from './findings.js';
import { hasNul } from './paths.js';

const TAKES_ERRNO = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);

export function checkSeccomp(f: Findings, spec: Spec): void {
  const s = spec.linux?.seccomp;
  if (!s) return;
  const at = '/linux/seccomp';
  // libseccomp cannot make notify the default: every syscall, even the agent's, would block.
  if (s.defaultAction === 'SCMP_ACT_NOTIFY') f.fail(`${at}/defaultAction`, 'SCMP_ACT_NOTIFY cannot be the default action');
  if (s.defaultErrnoRet !== undefined && !TAKES_ERRNO.has(s.defaultAction)) {
    f.fail(`${at}/defaultErrnoRet`, `${s.defaultAction} returns no errno; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do`);
  }
  if (s.listenerMetadata !== undefined && !s.listenerPath) f.fail(`${at}/listenerMetadata`, 'is set without a listenerPath');
  (s.syscalls ?? []).forEach((rule, i) => {
    const r = `${at}/syscalls/${i}`;
    // Profiles list hundreds of names: a plain loop, and paths only built for a bad name.
    for (let j = 0; j < rule.names.length; j++) {
      const name = rule.names[j]!;
      if (name === '') f.fail(`${r}/names/${j}`, 'is empty');
      if (hasNul(name)) f.fail(`${r}/names/${j}`, 'the name contains a NUL byte');
    }
    if (rule.errnoRet !== undefined && !TAKES_ERRNO.has(rule.action)) {
      f.fail(`${r}/errnoRet`, `${rule.action} returns no errno; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do`);
    }
    if (rule.action === 'SCMP_ACT_NOTIFY' && !s.listenerPath) {
      f.fail(`${r}/action`, `SCMP_ACT_NOTIFY needs ${at}/listenerPath to hand the notify fd to`);
    }
    (rule.args ?? []).forEach((a, j) => {
      if (a.index > 5) f.fail(`${r}/args/${j}/index`, `${a.index} is not an argument index: a syscall has arguments 0 to 5`);
    });
  });
}
