// `berth check`: whether this host can run berth's containers, and what will not work here.
// The facts are gathered by src/host/facts.ts through a HostProbe; this file only prints them.

import { UsageError } from '../../errors.js';
import type { Fact } from '../../host/facts.js';
import { stringFlag } from '../args.js';
import type { Command } from '../context.js';

/** One line per fact: status, name, what was found, then the advice. */
export function checkText(facts: readonly Fact[], ready: boolean): string {
  const nameWidth = Math.max(...facts.map((f) => f.name.length));
  const lines = facts.map((f) => `${f.status.padEnd(7)} ${f.name.padEnd(nameWidth)}  ${f.detail} -- ${f.advice}`);
  lines.push(ready ? 'berth can run containers on this host' : 'berth cannot run containers on this host: see the missing facts marked above');
  return lines.join('\n') + '\n';
}

export function checkJson(facts: readonly Fact[], ready: boolean): string {
  return JSON.stringify({ ready, facts: facts.map((f) => ({ name: f.name, status: f.status, detail: f.detail, advice: f.advice, required: Boolean(f.fatal) })) }, null, 2) + '\n';
}

export const command: Command = {
  name: 'check',
  usage: 'berth check [--format text|json]',
  description: `Checks whether this host is ready for berth: kernel version, cgroup mode and controllers,
user namespaces, seccomp (and its notify listener), AppArmor and SELinux, the kernel
interfaces berth uses, capabilities missing from the bounding set, overlayfs, and the engines
installed and whether berth is registered with them. One line per fact, "ok", "warn" or
"missing", with advice. Nothing on the host is changed. Exits 1 only when berth cannot run
containers here at all.`,
  flags: [{ name: 'format', short: 'f', type: 'string', value: 'FORMAT', help: 'text (default) or json' }],
  args: { min: 0, max: 0 },
  async run(p, ctx) {
    const format = stringFlag(p, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`invalid format option: ${JSON.stringify(format)} (use text or json)`);
    const { checkHost, hostReady } = await import('../../host/facts.js');
    const { liveHost } = await import('../../host/probe.js');
    const facts = checkHost(liveHost());
    const ready = hostReady(facts);
    ctx.out(format === 'json' ? checkJson(facts, ready) : checkText(facts, ready));
    return ready ? 0 : 1;
  },
};
