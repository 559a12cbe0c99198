// Turns a child's {step, errno, detail} report into a sentence naming what in config.json
// caused it, e.g. `config.json /mounts/2: mount on /proc: No such file or directory`.

import { LaunchError } from '../errors.js';
import { opName } from '../plan/op-names.js';
import { OpCode } from '../plan/ops.js';
import type { LaunchPlan } from '../plan/ops.js';
import type { NativeAddon, SyncMessage } from '../sys/native.js';

/** `source` names the document the plan's JSON paths point into (config.json, or exec's process). */
export function launchError(plan: LaunchPlan, msg: SyncMessage, addon: NativeAddon, source = 'config.json'): LaunchError {
  const op = plan.ops[msg.step];
  const origin = plan.describe[msg.step] ?? `step ${msg.step}`;
  const detail = msg.payload.toString('utf8').replace(/\0+$/, '');
  const reason = addon.strerror(msg.errno);
  if (op?.code === OpCode.ResolveExec && msg.errno === 2) {
    // runc's wording, which people grep for.
    const arg0 = plan.ops.find((o) => o.code === OpCode.Exec)?.s?.[0] ?? detail;
    return new LaunchError(`exec: "${arg0}": executable file not found in $PATH`, msg.errno);
  }
  if (op?.code === OpCode.Mount && op.n?.[5] === 1 && (msg.errno === 40 || msg.errno === 20)) {
    // ELOOP, ENOTDIR: a proc or sysfs destination that is a symlink or a file in the rootfs.
    const kind = msg.errno === 40 ? 'a symlink' : 'not a directory';
    return new LaunchError(`${source} ${origin}/destination: ${op.s?.[2]} must be mounted on an ordinary directory, and ${detail} in the rootfs is ${kind}`, msg.errno);
  }
  const where = origin.startsWith('/') ? `${source} ${origin}` : origin;
  const what = op ? opName(op.code) : 'setup';
  return new LaunchError(`${where}: ${what}${detail ? ` ${detail}` : ''}: ${reason}`, msg.errno);
}
