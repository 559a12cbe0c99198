// linux.seccomp -> the addon's libseccomp input (NativeSeccompFilter). Pure: every spec name
// becomes libseccomp's number here, and every refusal is a ConfigError naming the JSON path.
// Syscall names are left to libseccomp, which alone knows which ones this host can filter.

import { ConfigError } from '../errors.js';
import type { Seccomp, SeccompArg } from '../spec/types.js';
import type { NativeSeccompArg, NativeSeccompFilter } from '../sys/native.js';
import {
  ACTIONS,
  ARCHITECTURES,
  DEFAULT_ERRNO,
  ERRNO_ACTIONS,
  FLAGS,
  LISTENER_ONLY_FLAGS,
  MAX_ERRNO_RET,
  NOTIFY_FORBIDDEN,
  OPERATORS,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
} from './names.js';

const BASE = '/linux/seccomp';
const ARG_COUNT = 6;
const UINT64_MAX = (1n << 64n) - 1n;

export interface SeccompFilterInput {
  filter: NativeSeccompFilter;
  /** seccomp(2) flags for the plan's Seccomp op */
  flags: number;
  /** JSON path of each filter.rules entry, so an error the addon reports by index names the field */
  rulePaths: string[];
  warnings: string[];
}

/** A spec action (with its errno, if any) as a libseccomp action value. */
export function actionValue(name: string, errnoRet: number | null | undefined, actionPath: string, errnoPath: string): number {
  const make = ACTIONS[name];
  if (!make) throw new ConfigError(actionPath, `unknown seccomp action "${name}"`);
  if (errnoRet == null) return make(DEFAULT_ERRNO);
  // The spec: an errno given to an action that cannot return one is an error, not a no-op.
  if (!ERRNO_ACTIONS.has(name)) throw new ConfigError(errnoPath, `${name} returns no errno; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one`);
  if (!Number.isInteger(errnoRet) || errnoRet < 0 || errnoRet > MAX_ERRNO_RET) {
    throw new ConfigError(errnoPath, `${errnoRet} does not fit the 16-bit data field of a seccomp return value`);
  }
  return make(errnoRet);
}

/**
 * A uint64 comparison value as the decimal string the addon parses. config.json is read with
 * JSON.parse, so integers above 2^53 arrive already rounded to the nearest double; the all-ones
 * mask 18446744073709551615 rounds up to 2^64 and is taken back to what it must have been.
 */
function argValue(value: unknown, where: string): string {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(where, `must be an unsigned 64-bit integer, not ${JSON.stringify(value)}`);
  }
  let n = BigInt(value);
  if (n === UINT64_MAX + 1n) n = UINT64_MAX;
  if (n > UINT64_MAX) throw new ConfigError(where, `${value} does not fit in 64 bits`);
  return n.toString();
}

function argCondition(arg: SeccompArg, where: string): NativeSeccompArg {
  const op = OPERATORS[arg.op];
  if (op === undefined) throw new ConfigError(`${where}/op`, `unknown seccomp operator "${arg.op}"`);
  if (!Number.isInteger(arg.index) || arg.index < 0 || arg.index >= ARG_COUNT) {
    throw new ConfigError(`${where}/index`, `argument index ${arg.index} is out of range 0..${ARG_COUNT - 1}`);
  }
  return {
    index: arg.index,
    op,
    value: argValue(arg.value, `${where}/value`),
    valueTwo: argValue(arg.valueTwo ?? 0, `${where}/valueTwo`),
  };
}

function filterFlags(names: string[] | null | undefined, listener: boolean, warnings: string[]): number {
  let flags = listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
  (names ?? []).forEach((name, i) => {
    const bit = FLAGS[name];
    if (bit === undefined) throw new ConfigError(`${BASE}/flags/${i}`, `unknown seccomp flag "${name}"`);
    if (LISTENER_ONLY_FLAGS.has(name) && !listener) {
      // Passing it without a listener would make seccomp(2) fail with EINVAL in the child.
      warnings.push(`${BASE}/flags/${i}: ${name} ignored: it applies only to a filter with SCMP_ACT_NOTIFY rules`);
      return;
    }
    flags |= bit;
  });
  return flags;
}

function architectures(names: string[] | null | undefined): string[] {
  return (names ?? []).map((name, i) => {
    const arch = ARCHITECTURES[name];
    if (!arch) throw new ConfigError(`${BASE}/architectures/${i}`, `unknown seccomp architecture "${name}"`);
    return arch;
  });
}

export function seccompFilterInput(s: Seccomp): SeccompFilterInput {
  const warnings: string[] = [];
  const defaultAction = actionValue(s.defaultAction, s.defaultErrnoRet, `${BASE}/defaultAction`, `${BASE}/defaultErrnoRet`);
  if (s.defaultAction === 'SCMP_ACT_NOTIFY') {
    throw new ConfigError(`${BASE}/defaultAction`, 'SCMP_ACT_NOTIFY cannot be the default action');
  }
  // Like runc: the listener is contacted only when some rule notifies.
  const listener = (s.syscalls ?? []).some((sc) => sc.action === 'SCMP_ACT_NOTIFY');
  if (listener && !s.listenerPath) {
    throw new ConfigError(`${BASE}/listenerPath`, 'SCMP_ACT_NOTIFY needs a listenerPath to hand the notify fd to');
  }
  const flags = filterFlags(s.flags, listener, warnings);
  const filter: NativeSeccompFilter = { defaultAction, architectures: architectures(s.architectures), rules: [] };
  const rulePaths: string[] = [];
  const seen = new Set<string>();
  (s.syscalls ?? []).forEach((sc, i) => {
    const where = `${BASE}/syscalls/${i}`;
    const action = actionValue(sc.action, sc.errnoRet, `${where}/action`, `${where}/errnoRet`);
    const args = (sc.args ?? []).map((a, j) => argCondition(a, `${where}/args/${j}`));
    if (!Array.isArray(sc.names) || sc.names.length === 0) throw new ConfigError(`${where}/names`, 'must list at least one syscall');
    sc.names.forEach((name, j) => {
      if (typeof name !== 'string' || name === '') throw new ConfigError(`${where}/names/${j}`, 'a syscall name must be a non-empty string');
      if (sc.action === 'SCMP_ACT_NOTIFY' && NOTIFY_FORBIDDEN.has(name)) {
        throw new ConfigError(`${where}/names/${j}`, `SCMP_ACT_NOTIFY cannot be used for ${name}: berth passes the notify fd with it`);
      }
      // A rule the filter already has adds nothing, but libseccomp merges each one into its
      // tree at a cost that grows with the tree: thousands of repeats would stall create.
      const key = `${name}\0${action}\0${JSON.stringify(args)}`;
      if (seen.has(key)) return;
      seen.add(key);
      filter.rules.push({ syscall: name, action, args });
      rulePaths.push(`${where}/names/${j}`);
    });
  });
  return { filter, flags, rulePaths, warnings };
}
