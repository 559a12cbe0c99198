// The documents the API returns and the options its methods take. The container
// configuration is the runtime's own Spec type (src/spec/types.ts), not a copy.

import type { Process, Resources } from '../spec/types.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'stopped';

/**
 * What `berth state ID` and `berth list --format json` print: the runtime-spec state plus
 * runc's extra fields. pid is 0 once the container has stopped.
 */
export interface ContainerState {
  ociVersion: string;
  id: string;
  pid: number;
  status: ContainerStatus;
  bundle: string;
  rootfs: string;
  created: string;
  annotations?: Record<string, string>;
  owner: string;
}

/** Where a container's or berth's stdin/stdout/stderr go: spawn's values. */
export type Stdio = 'pipe' | 'inherit' | 'ignore';

export interface RuntimeOptions {
  /** --root: the directory for container state (berth's default is /run/berth) */
  root: string;
  /** the berth executable (default: dist/berth of the installed package) */
  binary?: string;
  /** --debug: debug lines in the log of each command */
  debug?: boolean;
  /** --systemd-cgroup */
  systemdCgroup?: boolean;
  /** extra environment for every berth process (added to this process's environment) */
  env?: Record<string, string>;
}

export interface CreateOptions {
  /** --bundle: the directory holding config.json (default: the current directory, as berth) */
  bundle?: string;
  /** --pid-file */
  pidFile?: string;
  /** --console-socket: where the pty master goes when process.terminal is true */
  consoleSocket?: string;
  /** --no-pivot */
  noPivot?: boolean;
  /** --no-new-keyring */
  noNewKeyring?: boolean;
  /** --preserve-fds */
  preserveFds?: number;
  /**
   * The container's stdio: berth's own, which the container inherits. Default 'ignore'.
   * ('pipe' is for run and exec in the foreground, which return what was written.)
   */
  stdio?: Stdio;
}

export interface RunOptions extends CreateOptions {
  /** --detach: return once the container runs; it is not deleted */
  detach?: boolean;
  /** default 'pipe' (captured and returned) for a foreground run, 'ignore' with detach */
  stdio?: Stdio;
}

export interface RunResult {
  /** the container's exit status (run without detach), else 0 */
  status: number;
  /** what the container wrote, when stdio is 'pipe' (the default for a foreground run) */
  stdout: string;
  stderr: string;
}

export interface DeleteOptions {
  /** --force: kill a running container first */
  force?: boolean;
}

export interface KillOptions {
  /** --all: every process of the container */
  all?: boolean;
}

export interface ExecOptions {
  /** the command and its arguments (not used with `process`) */
  args?: string[];
  /** --process: a whole process.json (runtime-spec `process`) instead of args and flags */
  process?: Process;
  /** --detach */
  detach?: boolean;
  /** --pid-file */
  pidFile?: string;
  /** --tty */
  tty?: boolean;
  /** --console-socket (with tty) */
  consoleSocket?: string;
  /** --cwd */
  cwd?: string;
  /** --env K=V, one per entry */
  env?: string[];
  /** --user UID[:GID] */
  user?: string | { uid: number; gid?: number };
  /** default 'pipe' (captured and returned) unless detached, then 'ignore' */
  stdio?: Stdio;
}

export interface ExecResult {
  /** the process's exit status (0 with detach) */
  status: number;
  stdout: string;
  stderr: string;
}

export interface EventsOptions {
  /** --stats: one stats event, then the stream ends */
  stats?: boolean;
  /** --interval as a Go duration ("5s", "500ms") or milliseconds */
  interval?: string | number;
}

/** One line of `berth events`: {"type":"stats"|"oom", "id", "data"?}. */
export interface ContainerEvent {
  type: 'stats' | 'oom' | string;
  id: string;
  data?: Record<string, unknown>;
}

export type { Resources };

/** The runtime-spec features document `berth features` prints (the fields are optional there). */
export interface Features {
  ociVersionMin: string;
  ociVersionMax: string;
  hooks?: string[];
  mountOptions?: string[];
  linux?: Record<string, unknown>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}
