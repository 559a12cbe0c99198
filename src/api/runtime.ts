// Runtime: berth's command line as typed methods. Every method runs the berth executable
// with runc's argv (no second implementation of anything), reads berth's error from its JSON
// log and turns a failure into a typed error (errors.ts).
//
// Only node:child_process, node:fs, node:os, node:path and node:readline are imported: this is
// a library, loaded by tools that want it cheap.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Process, Resources } from '../spec/types.js';
import * as argvOf from './argv.js';
import { BerthCommandError, commandError } from './errors.js';
import type {
  ContainerEvent, ContainerState, CreateOptions, DeleteOptions, EventsOptions, ExecOptions, ExecResult,
  Features, KillOptions, RunOptions, RunResult, RuntimeOptions, Stdio,
} from './types.js';

/** The installed package's executable: dist/berth beside lib/ (this file is lib/api/runtime.js). */
export const DEFAULT_BINARY = path.resolve(__dirname, '../../dist/berth');
/** In a repository checkout this file is build/src/api/runtime.js and the executable dist/berth. */
const CHECKOUT_BINARY = path.resolve(__dirname, '../../../dist/berth');

function defaultBinary(): string {
  return !fs.existsSync(DEFAULT_BINARY) && fs.existsSync(CHECKOUT_BINARY) ? CHECKOUT_BINARY : DEFAULT_BINARY;
}

interface Invocation {
  args: string[];
  /** written to berth's stdin */
  input?: string;
  /** berth's stdout and stderr (the container inherits them); 'pipe' captures them */
  stdio: Stdio;
  /**
   * Whether to wait for berth's stdout/stderr to close as well as for berth to exit. Not when
   * a container outlives the command (create, run --detach, exec --detach): it holds them.
   */
  waitForOutput: boolean;
}

interface Outcome {
  stdout: string;
  stderr: string;
  /** berth's exit status (run and exec: the container process's) */
  status: number;
}

let logCounter = 0;

export class Runtime {
  readonly root: string;
  readonly binary: string;
  private readonly opts: RuntimeOptions;

  constructor(opts: RuntimeOptions) {
    if (!opts || !opts.root) throw new TypeError('Runtime: root is required');
    this.opts = opts;
    this.root = opts.root;
    this.binary = opts.binary ?? defaultBinary();
  }

  /** `create`: the container's init waits for start. */
  async create(id: string, opts: CreateOptions = {}): Promise<void> {
    await this.invoke({ args: argvOf.createArgv(id, opts), stdio: noPipe('create', opts.stdio), waitForOutput: false });
  }

  /** `start`: runs the user program of a created container. */
  async start(id: string): Promise<void> {
    await this.invoke({ args: ['start', id], stdio: 'ignore', waitForOutput: true });
  }

  /**
   * `run`: create, start, wait and delete (the status is the container's), or with detach
   * create and start only.
   */
  async run(id: string, opts: RunOptions = {}): Promise<RunResult> {
    const stdio = opts.detach ? noPipe('run --detach', opts.stdio) : opts.stdio ?? 'pipe';
    const out = await this.invoke({ args: argvOf.runArgv(id, opts), stdio, waitForOutput: !opts.detach, statusIsResult: true });
    return { status: out.status, stdout: out.stdout, stderr: out.stderr };
  }

  async state(id: string): Promise<ContainerState> {
    return JSON.parse((await this.capture(['state', id])).stdout) as ContainerState;
  }

  async list(): Promise<ContainerState[]> {
    // runc prints null when there are no containers
    return (JSON.parse((await this.capture(['list', '--format', 'json'])).stdout) as ContainerState[] | null) ?? [];
  }

  /** `kill ID SIGNAL`: a name (SIGKILL, KILL) or a number; SIGTERM by default, as berth. */
  async kill(id: string, signal: string | number = 'SIGTERM', opts: KillOptions = {}): Promise<void> {
    await this.invoke({ args: argvOf.killArgv(id, signal, opts.all), stdio: 'ignore', waitForOutput: true });
  }

  async delete(id: string, opts: DeleteOptions = {}): Promise<void> {
    await this.invoke({ args: argvOf.deleteArgv(id, opts.force), stdio: 'ignore', waitForOutput: true });
  }

  /**
   * `exec`: a new process in a running container; the status is the process's. With
   * `process` the whole process.json is given (written to a temporary file for --process).
   */
  async exec(id: string, opts: ExecOptions): Promise<ExecResult> {
    let processFile: string | undefined;
    if (opts.process) {
      processFile = tempPath('process.json');
      fs.writeFileSync(processFile, JSON.stringify(opts.process satisfies Process), { mode: 0o600 });
    }
    try {
      const args = argvOf.execArgv(id, opts, processFile);
      const stdio = opts.detach ? noPipe('exec --detach', opts.stdio) : opts.stdio ?? 'pipe';
      const out = await this.invoke({ args, stdio, waitForOutput: !opts.detach, statusIsResult: true });
      return { status: out.status, stdout: out.stdout, stderr: out.stderr };
    } finally {
      if (processFile) fs.rmSync(processFile, { force: true });
    }
  }

  async pause(id: string): Promise<void> {
    await this.invoke({ args: ['pause', id], stdio: 'ignore', waitForOutput: true });
  }

  async resume(id: string): Promise<void> {
    await this.invoke({ args: ['resume', id], stdio: 'ignore', waitForOutput: true });
  }

  /** `update --resources - ID`: the runtime-spec linux.resources object, on stdin. */
  async update(id: string, resources: Resources): Promise<void> {
    await this.invoke({ args: argvOf.updateArgv(id), input: JSON.stringify(resources), stdio: 'ignore', waitForOutput: true });
  }

  /** `ps --format json`: the host pids of the container's processes. */
  async ps(id: string): Promise<number[]> {
    return (JSON.parse((await this.capture(argvOf.psArgv(id))).stdout) as number[] | null) ?? [];
  }

  /** `features`: the runtime-spec features document. */
  async features(): Promise<Features> {
    return JSON.parse((await this.capture(['features'])).stdout) as Features;
  }

  /**
   * `events`: each JSON line parsed as it arrives. The iteration ends when the container
   * stops (or after one event with stats); leaving the loop early stops berth. A failure of
   * berth is thrown from the iteration.
   */
  async *events(id: string, opts: EventsOptions = {}): AsyncGenerator<ContainerEvent, void, undefined> {
    const args = [...this.globalArgv(), ...argvOf.eventsArgv(id, opts)];
    const logFile = args[args.indexOf('--log') + 1]!;
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: this.env() });
    const stderr = collect(child.stderr!);
    const ended = exitOf(child);
    const lines = readline.createInterface({ input: child.stdout!, crlfDelay: Infinity });
    let finished = false;
    try {
      for await (const line of lines) {
        if (line.trim()) yield JSON.parse(line) as ContainerEvent;
      }
      const end = await ended;
      finished = true;
      if (end.error) throw new BerthCommandError(args, null, `cannot run ${this.binary}: ${end.error.message}`);
      if (end.code !== 0) throw commandError(args, end.code, end.signal, readLog(logFile), stderr());
    } finally {
      lines.close();
      // the consumer left the loop: berth would print on for ever
      if (!finished && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await ended;
      fs.rmSync(logFile, { force: true });
    }
  }

  private capture(args: string[]): Promise<Outcome> {
    return this.invoke({ args, stdio: 'pipe', waitForOutput: true });
  }

  private globalArgv(): string[] {
    return argvOf.globalArgv({ root: this.root, logFile: tempPath('log'), debug: this.opts.debug, systemdCgroup: this.opts.systemdCgroup });
  }

  private env(): NodeJS.ProcessEnv | undefined {
    return this.opts.env ? { ...process.env, ...this.opts.env } : undefined;
  }

  /**
   * Runs berth and resolves with its output, or rejects with the typed error. For run and exec
   * (statusIsResult) a non-zero status is the container process's unless berth logged an
   * error: that is how the two are told apart, as berth itself exits 1 on failure.
   */
  private async invoke(inv: Invocation & { statusIsResult?: boolean }): Promise<Outcome> {
    const args = [...this.globalArgv(), ...inv.args];
    const logFile = args[args.indexOf('--log') + 1]!;
    try {
      const child = spawn(this.binary, args, {
        stdio: [inv.input !== undefined ? 'pipe' : inv.stdio === 'inherit' ? 'inherit' : 'ignore', inv.stdio, inv.stdio],
        env: this.env(),
      });
      if (inv.input !== undefined) child.stdin!.end(inv.input);
      const stdout = child.stdout ? collect(child.stdout) : () => '';
      const stderr = child.stderr ? collect(child.stderr) : () => '';
      const end = await exitOf(child, inv.waitForOutput);
      if (end.error) throw new BerthCommandError(args, null, `cannot run ${this.binary}: ${end.error.message}`);
      const log = readLog(logFile);
      const berthFailed = end.code !== 0 && (!inv.statusIsResult || /"level":"error"/.test(log) || end.code === null);
      if (berthFailed) throw commandError(args, end.code, end.signal, log, stderr());
      return { stdout: stdout(), stderr: stderr(), status: end.code ?? 0 };
    } finally {
      fs.rmSync(logFile, { force: true });
    }
  }
}

function noPipe(what: string, stdio: Stdio | undefined): Stdio {
  if (stdio === 'pipe') throw new TypeError(`${what}: stdio 'pipe' would be held open by the container; use 'ignore' or 'inherit'`);
  return stdio ?? 'ignore';
}

/** A private path in the temporary directory for a log or process file (berth creates it). */
function tempPath(kind: string): string {
  return path.join(os.tmpdir(), `berth-api-${process.pid}-${logCounter++}-${Math.random().toString(36).slice(2)}.${kind}`);
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function collect(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

interface Exit {
  code: number | null;
  signal: string | null;
  error?: Error;
}

/** berth's end: 'close' (its output read to the end) or only 'exit'. */
function exitOf(child: ChildProcess, waitForOutput = true): Promise<Exit> {
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once(waitForOutput ? 'close' : 'exit', (code: number | null, signal: string | null) => resolve({ code, signal }));
  });
}
