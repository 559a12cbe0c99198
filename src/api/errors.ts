// The errors the API throws. A failed berth command becomes a BerthCommandError carrying the
// command line, the exit status and berth's own error message, read from the JSON log line
// (--log-format json --log FILE: the file holds only berth's lines, never the container's
// output, so the message is found reliably). Two kinds are told apart by berth's wording:
// "container ID does not exist" (runc's, which engines match too) and "config.json /PATH: ..."
// (berth names the JSON path of the field at fault).

export class BerthCommandError extends Error {
  override name = 'BerthCommandError';
  constructor(
    /** the berth command line (without the executable) */
    readonly argv: readonly string[],
    /** berth's exit status, or null when a signal ended it */
    readonly exitCode: number | null,
    /** berth's error message (the last error line of its log), or a description */
    readonly berthMessage: string,
    /** the other lines of the log (warnings, debug), parsed */
    readonly log: readonly LogLine[] = [],
  ) {
    super(`berth ${commandName(argv)}: ${berthMessage}`);
  }
}

export class ContainerNotFoundError extends BerthCommandError {
  override name = 'ContainerNotFoundError';
  constructor(argv: readonly string[], exitCode: number | null, berthMessage: string, log: readonly LogLine[], readonly id: string) {
    super(argv, exitCode, berthMessage, log);
  }
}

export class ConfigError extends BerthCommandError {
  override name = 'ConfigError';
  constructor(
    argv: readonly string[],
    exitCode: number | null,
    berthMessage: string,
    log: readonly LogLine[],
    /** the JSON path in config.json of the field at fault, e.g. "/process/args" */
    readonly jsonPath: string,
  ) {
    super(argv, exitCode, berthMessage, log);
  }
}

export interface LogLine {
  level: string;
  msg: string;
  time?: string;
}

/** The command's name in argv: the first word after the global flags. */
function commandName(argv: readonly string[]): string {
  const withValue = new Set(['--root', '--log', '--log-format', '--criu', '--rootless']);
  for (let i = 0; i < argv.length; i++) {
    if (withValue.has(argv[i]!)) i++;
    else if (!argv[i]!.startsWith('-')) return argv[i]!;
  }
  return argv.join(' ');
}

/** The JSON lines of a log file; lines that are not JSON (there should be none) are kept as messages. */
export function parseLogLines(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const v = JSON.parse(raw) as Partial<LogLine>;
      lines.push({ level: String(v.level ?? 'error'), msg: String(v.msg ?? ''), time: v.time });
    } catch {
      lines.push({ level: 'error', msg: raw });
    }
  }
  return lines;
}

/** The message of the last error line, if any. */
export function lastError(lines: readonly LogLine[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.level === 'error') return lines[i]!.msg;
  return undefined;
}

// exec words its own failures as runc does: "exec failed: <reason>".
const NOT_FOUND = /^(?:exec failed: )?container (\S+) does not exist$/;
/** berth's wording: "config.json /process/args: ..." or "(config.json /process/terminal is true: ...)" */
const CONFIG_PATH = /\bconfig\.json (\/[^\s:]*)/;

/**
 * The typed error for a failed command: its log decides which. When the log has no error line
 * (berth died on a signal, or could not start) stderr or the status says what happened.
 */
export function commandError(argv: readonly string[], exitCode: number | null, signal: string | null, logText: string, stderr = ''): BerthCommandError {
  const log = parseLogLines(logText);
  const message = lastError(log) ?? (stderr.trim() || (signal ? `killed by ${signal}` : `exit status ${exitCode}`));
  const others = log.filter((l) => l.level !== 'error' || l.msg !== message);
  const nf = NOT_FOUND.exec(message);
  if (nf) return new ContainerNotFoundError(argv, exitCode, message, others, nf[1]!);
  const cfg = CONFIG_PATH.exec(message);
  if (cfg) return new ConfigError(argv, exitCode, message, others, cfg[1]!);
  return new BerthCommandError(argv, exitCode, message, others);
}
