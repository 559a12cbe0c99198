// Runs an engine client (docker, ctr, podman, script) synchronously and returns what it printed.
// Output goes through files, not pipes: a detached container or conmon may inherit the
// client's stdout and would hold a pipe (and spawnSync) open until it exits.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface CmdResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The command line, for failure messages. */
  line: string;
}

export interface CmdOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function runCmd(bin: string, args: string[], opts: CmdOptions = {}): CmdResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-engines-out-'));
  const outFd = fs.openSync(path.join(dir, 'out'), 'w+');
  const errFd = fs.openSync(path.join(dir, 'err'), 'w+');
  try {
    const res = spawnSync(bin, args, {
      encoding: 'utf8',
      input: opts.input,
      env: opts.env ?? process.env,
      timeout: opts.timeoutMs ?? 60_000,
      killSignal: 'SIGKILL',
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', outFd, errFd],
    });
    return {
      status: res.status,
      signal: res.signal,
      stdout: fs.readFileSync(path.join(dir, 'out'), 'utf8'),
      stderr: fs.readFileSync(path.join(dir, 'err'), 'utf8') + (res.error ? `\n${res.error.message}` : ''),
      line: [bin, ...args].join(' '),
    };
  } finally {
    fs.closeSync(outFd);
    fs.closeSync(errFd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Throws with the command line, its stderr and its stdout unless it exited 0; returns stdout. */
export function ok(r: CmdResult): string {
  if (r.status !== 0) throw new Error(`\`${r.line}\` exited ${r.status ?? r.signal}\n${printed(r)}`);
  return r.stdout;
}

/** Both streams, labelled (a client may say why it failed on either, or on neither). */
export function printed(r: CmdResult): string {
  const text = (s: string) => s.trim() || '(empty)';
  return `stderr: ${text(r.stderr)}\nstdout: ${text(r.stdout)}`;
}

/** Single-quotes `s` for /bin/sh (script -c takes one command string). */
export function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the command under `script`, which gives it a pseudo-terminal as its stdin/stdout:
 * `docker run -t`, `ctr run -t` and `exec -t` need the client's own stdin to be a terminal.
 * `input` is typed into that terminal.
 */
export function runInTerminal(bin: string, args: string[], opts: CmdOptions = {}): CmdResult {
  const line = [bin, ...args].map(shQuote).join(' ');
  const r = runCmd('script', ['-qefc', line, '/dev/null'], { ...opts, input: opts.input ?? '' });
  return { ...r, line };
}

export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Polls `probe` until it returns a value other than undefined, or throws after `ms`. */
export function waitFor<T>(what: string, probe: () => T | undefined, ms = 20_000): T {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    sleepMs(100);
  }
}

/** Whether `bin` is an executable file. */
export function installed(bin: string): boolean {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
