// LSM labels: process.apparmorProfile, process.selinuxLabel and linux.mountLabel. Decided here
// from the host's LSM facts (host/lsm.ts); the child writes the attribute with the same
// verified procfs write as every other (OpCode.WriteProc), so a mount over /proc/self/attr
// cannot swallow it (the CVE-2019-16884 / CVE-2025-52881 class).
//
// As runc: a profile on a host without AppArmor is an error (the container would run
// unconfined). Unlike runc, which refuses a label on a host without SELinux, a label there is
// skipped with a warning, as the issue asks (docs/cli.md lists the difference).

import { ConfigError } from '../errors.js';
import type { Mount, Process } from '../spec/types.js';
import { type LsmHost, SELINUX_EXEC_ATTR } from '../host/lsm.js';
import { OpCode } from './ops.js';
import type { PlanWriter } from './writer.js';

/**
 * The attributes for the next execve. Written while the child is still privileged and before
 * any seccomp filter (a profile may forbid fsopen), so they also apply to startContainer hooks,
 * as with runc.
 */
export function planProcessLabels(w: PlanWriter, proc: Process, lsm: (() => LsmHost) | undefined, warn: (msg: string) => void): void {
  if (proc.apparmorProfile) {
    const host = lsm?.();
    if (!host?.apparmor.enabled) {
      throw new ConfigError('/process/apparmorProfile', `AppArmor is not enabled on this host, so the profile "${proc.apparmorProfile}" cannot be applied`);
    }
    w.add('/process/apparmorProfile', OpCode.WriteProc, [], [host.apparmor.execAttr, `exec ${proc.apparmorProfile}`]);
  }
  if (proc.selinuxLabel) {
    if (lsm?.().selinux.enabled) w.add('/process/selinuxLabel', OpCode.WriteProc, [], [SELINUX_EXEC_ATTR, proc.selinuxLabel]);
    else warn(`/process/selinuxLabel: SELinux is not enabled on this host: the label "${proc.selinuxLabel}" is not applied`);
  }
}

// Filesystems runc mounts without the label: their files are labelled by the policy.
const UNLABELLED_TYPES = new Set(['proc', 'sysfs', 'mqueue', 'cgroup', 'cgroup2']);

/** Whether a (non-bind) mount of `type` gets linux.mountLabel as its context= option. */
export function takesMountLabel(m: Mount): boolean {
  return !UNLABELLED_TYPES.has(m.type ?? '');
}

/** The mount data with linux.mountLabel added (SELinux's context= option), as runc formats it. */
export function withMountLabel(data: string, label: string): string {
  const context = `context="${label}"`;
  return data ? `${data},${context}` : context;
}

/** linux.mountLabel when it applies on this host; warns once when SELinux is not enabled. */
export function effectiveMountLabel(label: string | undefined, lsm: (() => LsmHost) | undefined, warn: (msg: string) => void): string | undefined {
  if (!label) return undefined;
  if (lsm?.().selinux.enabled) return label;
  warn(`/linux/mountLabel: SELinux is not enabled on this host: the label "${label}" is not applied`);
  return undefined;
}
