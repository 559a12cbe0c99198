// The commands that create or change containers, and the host reports: in the compiled
// executable this file is a second entry point, embedded beside the first and imported only
// when one of these commands runs, so that `state`, `kill`, `list`, `delete`, `start` and
// `--version` never load (or even deserialize) the validators, the plan builder or seccomp.

import type { Command } from './context.js';

const LOADERS: Record<string, () => Promise<{ command: Command }>> = {
  create: () => import('./commands/create.js'),
  exec: () => import('./commands/exec.js'),
  run: () => import('./commands/run.js'),
  ps: () => import('./commands/ps.js'),
  pause: () => import('./commands/pause.js'),
  resume: () => import('./commands/resume.js'),
  update: () => import('./commands/update.js'),
  events: () => import('./commands/events.js'),
  spec: () => import('./commands/spec.js'),
  features: () => import('./commands/features.js'),
  check: () => import('./commands/check.js'),
};

export async function loadHeavyCommand(name: string): Promise<Command> {
  return (await LOADERS[name]!()).command;
}
