// Runs a command without blocking the event loop, with a deadline. Output goes to files, not
// pipes: a container created by `create` inherits the runtime's stdout and stderr and keeps
// them open long after the runtime exits, so waiting on pipes would wait for the container.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface CmdResult {
  argv: string[];
  /** Exit status, or null when the command died of a signal or never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Where stdout went: a created container keeps writing to this file. */
  stdoutFile: string;
  stderrFile: string;
}

export interface CmdOptions {
  /** Directory for the output files; each call gets its own pair. */
  outDir: string;
  /** File name stem for the output files. */
  label: string;
  timeoutMs: number;
  cwd?: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra descriptors the child inherits as fd 3, 4, ... (to see whether they leak). */
  extraFds?: number[];
}

let sequence = 0;

export function runCommand(argv: string[], opts: CmdOptions): Promise<CmdResult> {
  const stem = path.join(opts.outDir, `${String(++sequence).padStart(4, '0')}-${opts.label}`);
  const stdoutFile = `${stem}.out`;
  const stderrFile = `${stem}.err`;
  const outFd = fs.openSync(stdoutFile, 'w');
  const errFd = fs.openSync(stderrFile, 'w');
  let inFd: number | 'ignore' = 'ignore';
  if (opts.input !== undefined) {
    fs.writeFileSync(`${stem}.in`, opts.input);
    inFd = fs.openSync(`${stem}.in`, 'r');
  }
  const closeOurs = () => {
    for (const fd of [outFd, errFd, inFd]) if (typeof fd === 'number') fs.closeSync(fd);
  };
  return new Promise((resolve) => {
    let timedOut = false;
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      closeOurs();
      const stderr = fs.readFileSync(stderrFile, 'utf8') + (spawnError ? `\n${spawnError.message}` : '');
      resolve({ argv, code, signal, stdout: fs.readFileSync(stdoutFile, 'utf8'), stderr, timedOut, stdoutFile, stderrFile });
    };
    const child = spawn(argv[0], argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [inFd, outFd, errFd, ...(opts.extraFds ?? [])],
      detached: false,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => finish(null, null, err));
    // 'exit', not 'close': the stdio files may stay open in a container.
    child.on('exit', (code, signal) => finish(code, signal));
  });
}

/** Spawns a long-lived helper (a namespace holder, a socket receiver) the caller stops later. */
export function spawnHelper(argv: string[], outDir: string, label: string): { pid: number; stop(): void; exited: Promise<number | null> } {
  const stem = path.join(outDir, `${String(++sequence).padStart(4, '0')}-${label}`);
  const outFd = fs.openSync(`${stem}.out`, 'w');
  const errFd = fs.openSync(`${stem}.err`, 'w');
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', outFd, errFd] });
  fs.closeSync(outFd);
  fs.closeSync(errFd);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  return {
    pid: child.pid ?? -1,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
    exited,
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value or the deadline passes. */
export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs: number, stepMs = 10): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) return undefined;
    await sleep(stepMs);
  }
}
