// createContainer hooks run in the container's namespaces (runtime.md), before pivot_root.
// The addon's child joins the namespaces of the container's init with setns, then its
// RunHook step forks (so the hook is inside the pid namespace too) and waits for the hook,
// enforcing the timeout. The hook's output is captured in a memfd, never written to the
// container's stdio.

import { nodeFs } from '../sys/node-fs.js';
import { O_CLOEXEC, O_RDONLY } from '../sys/io.js';
import { OpCode, type Op } from '../plan/ops.js';
import { JOIN_ORDER, NAMESPACE_FLAG, NAMESPACE_PROC_NAME } from '../plan/namespaces.js';
import type { Hook, NamespaceType } from '../spec/types.js';
import type { NativeAddon } from '../sys/native.js';
import { SyncMsg } from '../sys/sync.js';
import { HookError } from './run.js';



/**
 * The pid and time namespaces `pid`'s children get (for a create joining a pid namespace, its
 * first stage is outside the one it joined: container/create.ts); the same as its own for an
 * init. Kernels before 4.12 (pid) and 5.6 (time) have no such link: its own then.
 */
function forChildren(pid: number, type: NamespaceType): string {
  const name = NAMESPACE_PROC_NAME[type];
  if (type !== 'pid' && type !== 'time') return name;
  return nodeFs().existsSync(`/proc/${pid}/ns/${name}_for_children`) ? `${name}_for_children` : name;
}

/** Namespaces of `pid` (its children's, for pid and time) that differ from ours, opened, in setns order. */
function openTargetNamespaces(addon: NativeAddon, pid: number): { type: NamespaceType; fd: number }[] {
  const out: { type: NamespaceType; fd: number }[] = [];
  for (const type of JOIN_ORDER) {
    const name = forChildren(pid, type);
    let theirs: string;
    try {
      theirs = nodeFs().readlinkSync(`/proc/${pid}/ns/${name}`);
    } catch {
      continue; // the kernel lacks this namespace type
    }
    if (theirs === nodeFs().readlinkSync(`/proc/self/ns/${name}`)) continue;
    out.push({ type, fd: addon.open(`/proc/${pid}/ns/${name}`, O_RDONLY | O_CLOEXEC, 0) });
  }
  return out;
}

export async function runHooksInContainer(
  addon: NativeAddon,
  pid: number,
  hooks: readonly Hook[],
  stateJson: string,
): Promise<void> {
  for (const [index, hook] of hooks.entries()) {
    const where = `hooks.createContainer[${index}] (${hook.path})`;
    const nsFds = openTargetNamespaces(addon, pid);
    const outFd = addon.memfdWithBytes('berth-hook-output', new Uint8Array());
    try {
      const args = hook.args && hook.args.length ? hook.args : [hook.path];
      const env = hook.env ?? [];
      const ops: Op[] = [
        { code: OpCode.ResetSignals },
        { code: OpCode.WaitSync, n: [SyncMsg.HooksDone] },
        { code: OpCode.Dup2, n: [outFd, 1] },
        { code: OpCode.Dup2, n: [outFd, 2] },
        ...nsFds.map(({ type, fd }) => ({ code: OpCode.Setns, n: [fd, NAMESPACE_FLAG[type]] })),
        { code: OpCode.CloexecFrom, n: [3] },
        { code: OpCode.RunHook, n: [args.length, env.length, hook.timeout ?? 0], s: [hook.path, ...args, ...env] },
      ];
      const child = addon.spawn({ cloneFlags: 0, cgroupFd: -1, ops });
      try {
        addon.syncSend(child.syncFd, SyncMsg.HooksDone, Buffer.from(stateJson));
        const msg = addon.syncRecv(child.syncFd, -1);
        if (msg && msg.type === SyncMsg.Error) {
          const output = nodeFs().readFileSync(`/proc/self/fd/${outFd}`, 'utf8').trim().slice(0, 500);
          const detail = msg.payload.toString('utf8') || addon.strerror(msg.errno);
          throw new HookError(`${where} failed: ${detail}${output ? ': ' + output : ''}`);
        }
      } finally {
        addon.close(child.syncFd);
        await addon.waitPid(child.pid);
      }
    } finally {
      addon.close(outFd);
      for (const { fd } of nsFds) addon.close(fd);
    }
  }
}
