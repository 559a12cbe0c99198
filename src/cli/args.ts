// Command-line parsing compatible with runc's (urfave/cli): global flags before the command,
// and long options written with one dash (-root, -no-subreaper) accepted like two.

import minimist from 'minimist';
import { UsageError } from '../errors.js';

export interface FlagSpec {
  string?: string[];
  boolean?: string[];
  alias?: Record<string, string>;
  /** flags runc accepts that berth ignores (accepted, not an error) */
  ignored?: string[];
}

export interface Parsed {
  flags: Record<string, string | boolean | undefined>;
  positional: string[];
}

/** "-root" -> "--root"; single letters ("-d") and negative numbers stay as they are. */
export function normalizeDashes(args: readonly string[]): string[] {
  return args.map((a) => (/^-[a-zA-Z][a-zA-Z0-9-]+(=.*)?$/.test(a) ? '-' + a : a));
}

export function parseFlags(args: readonly string[], spec: FlagSpec, where: string): Parsed {
  const strings = [...(spec.string ?? [])];
  const booleans = [...(spec.boolean ?? []), 'help'];
  const known = new Set([...strings, ...booleans, ...Object.keys(spec.alias ?? {}), ...(spec.ignored ?? []), 'h']);
  // minimist reads --no-X as "X is false"; runc's flags named no-X (--no-pivot) are flags of
  // their own, so they are taken out before minimist sees them.
  const negated: string[] = [];
  const rest = normalizeDashes(args).filter((a) => {
    const name = a.replace(/^--/, '');
    if (a.startsWith('--no-') && booleans.includes(name)) {
      negated.push(name);
      return false;
    }
    return true;
  });
  const argv = minimist(rest, {
    string: strings,
    boolean: booleans,
    alias: { ...spec.alias, h: 'help' },
    stopEarly: false,
    unknown: (arg) => {
      if (!arg.startsWith('-')) return true;
      const name = arg.replace(/^-+/, '').split('=')[0]!;
      if (known.has(name)) return true;
      throw new UsageError(`${where ? where + ': ' : ''}flag provided but not defined: -${name}`);
    },
  });
  const flags: Record<string, string | boolean | undefined> = {};
  for (const [k, v] of Object.entries(argv)) {
    if (k === '_') continue;
    flags[k] = Array.isArray(v) ? String(v[v.length - 1]) : (v as string | boolean);
  }
  for (const name of negated) flags[name] = true;
  return { flags, positional: argv._.map(String) };
}

/** Splits argv into the global flags and the command with its own arguments. */
export function splitCommand(argv: readonly string[], globalStringFlags: readonly string[]): { global: string[]; command?: string; rest: string[] } {
  const norm = normalizeDashes(argv);
  let i = 0;
  while (i < norm.length && norm[i]!.startsWith('-')) {
    const name = norm[i]!.replace(/^-+/, '');
    i += globalStringFlags.includes(name) ? 2 : 1;
  }
  return { global: norm.slice(0, i), command: norm[i], rest: norm.slice(i + 1) };
}

export function requireId(p: Parsed, command: string): string {
  const id = p.positional[0];
  if (!id) throw new UsageError(`"${command}" requires a container id`);
  return id;
}
