// Runs hooks in the runtime's namespaces (prestart, createRuntime, poststart, poststop):
// the state JSON on stdin, args[0] as argv[0], only the hook's own env, and its timeout.

import { BerthError } from '../errors.js';
import type { Hook } from '../spec/types.js';

export type HookKind = 'prestart' | 'createRuntime' | 'createContainer' | 'startContainer' | 'poststart' | 'poststop';

export class HookError extends BerthError {
  override name = 'HookError';
}

function envObject(env: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return out;
}

function describeOutput(stdout: Buffer | null, stderr: Buffer | null): string {
  const text = [stdout, stderr].map((b) => (b ? b.toString('utf8').trim() : '')).filter(Boolean).join('; ');
  return text ? `: ${text.slice(0, 500)}` : '';
}

/** Runs one hook and throws HookError (naming the hook) when it fails or times out. */
export function runHostHook(kind: HookKind, index: number, hook: Hook, stateJson: string): void {
  const args = hook.args && hook.args.length ? hook.args : [hook.path];
  const where = `hooks.${kind}[${index}] (${hook.path})`;
  // node:child_process at the first hook, not at every create/start (~0.8 ms of CPU to load).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const res = spawnSync(hook.path, args.slice(1), {
    argv0: args[0],
    env: envObject(hook.env),
    input: stateJson,
    timeout: hook.timeout ? hook.timeout * 1000 : undefined,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 1 << 20,
  });
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') throw new HookError(`${where} timed out after ${hook.timeout}s`);
    throw new HookError(`${where} could not run: ${res.error.message}`);
  }
  if (res.signal) throw new HookError(`${where} was killed by ${res.signal}${describeOutput(res.stdout, res.stderr)}`);
  if (res.status !== 0) throw new HookError(`${where} exited with status ${res.status}${describeOutput(res.stdout, res.stderr)}`);
}

/**
 * Runs a list of hooks in order. Every kind but poststop stops at the first failure (the
 * caller then stops the container); poststop only warns and goes on, as runtime.md 1.3 says.
 */
export function runHostHooks(
  kind: HookKind,
  hooks: readonly Hook[] | undefined,
  stateJson: string,
  warn: (msg: string) => void,
): void {
  const fatal = kind !== 'poststop';
  (hooks ?? []).forEach((hook, i) => {
    try {
      runHostHook(kind, i, hook, stateJson);
    } catch (err) {
      if (fatal) throw err;
      warn((err as Error).message);
    }
  });
}
