// Command-line parsing with runc's rules, which come from Go's flag package as urfave/cli v1
// drives it (checked against runc 1.1.5):
// - a flag is written with one dash or two, in every case: -root = --root, -f = --f;
// - a value-taking flag takes "=value" or the next argument, even one starting with "-";
//   with no next argument it is an error ("flag needs an argument");
// - boolean flags take no separate value ("-d true" is -d plus the argument "true"), only
//   "=value" (true/false/1/0/t/f ...); there is no bundling ("-df" is one unknown flag);
// - names starting with "no-" are flags of their own (--no-pivot), not negations;
// - global flags stop at the first argument that is not a flag: that is the command;
// - after the command, known flags may also follow the positional arguments
//   ("delete ID --force"), while an unknown "-x" after the first positional argument is
//   itself a positional argument ("kill ID -9"); before it, it is an error;
// - "--" ends the flags.
// minimist (a project dependency) is not used: each of the rules above would need a
// work-around around it, and the whole scanner is this file.

import { UsageError } from '../errors.js';

/** 'strings': a string flag that may be repeated; every value is kept, in order. */
export type FlagType = 'bool' | 'string' | 'uint' | 'strings';

export interface FlagDef {
  name: string;
  /** one-letter alias, e.g. "b" for --bundle */
  short?: string;
  type: FlagType;
  /** one line for --help */
  help: string;
  /** value placeholder for --help, e.g. "DIR" */
  value?: string;
}

export type FlagValue = string | boolean | number | string[];

export interface ParsedArgs {
  /** by long name; only flags that were given */
  flags: Record<string, FlagValue>;
  positional: string[];
}

/** --help/-h, which every command accepts. */
export const HELP_FLAG: FlagDef = { name: 'help', short: 'h', type: 'bool', help: 'show this help' };

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

function parseValue(def: FlagDef, spelled: string, raw: string): FlagValue {
  if (def.type === 'bool') {
    if (TRUE.has(raw)) return true;
    if (FALSE.has(raw)) return false;
    throw new UsageError(`invalid boolean value ${JSON.stringify(raw)} for -${spelled}: parse error`);
  }
  if (def.type === 'uint') {
    const n = /^(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/i.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`invalid value ${JSON.stringify(raw)} for flag -${spelled}: parse error`);
    return n;
  }
  return raw;
}

interface FlagToken {
  spelled: string;
  inline?: string;
}

/** "-x", "--x", "-x=v", "--x=v" -> name and inline value; anything else is not a flag. */
function flagToken(arg: string): FlagToken | undefined {
  if (arg.length < 2 || arg[0] !== '-' || arg === '--') return undefined;
  const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
  if (!body || body[0] === '-' || body[0] === '=') throw new UsageError(`bad flag syntax: ${arg}`);
  const eq = body.indexOf('=');
  return eq < 0 ? { spelled: body } : { spelled: body.slice(0, eq), inline: body.slice(eq + 1) };
}

function lookup(defs: readonly FlagDef[], name: string): FlagDef | undefined {
  return defs.find((d) => d.name === name || d.short === name);
}

/**
 * Scans `args`. In 'global' mode it stops at the first non-flag argument and returns the
 * index where the command starts; in 'command' mode it reads everything.
 */
function scan(args: readonly string[], defs: readonly FlagDef[], mode: 'global' | 'command', rawTail = false): ParsedArgs & { stop: number } {
  const flags: Record<string, FlagValue> = {};
  const positional: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (rawTail && positional.length > 0) {
      positional.push(...args.slice(i));
      i = args.length;
      break;
    }
    if (arg === '--') {
      if (mode === 'global') {
        i++;
        break;
      }
      positional.push(...args.slice(i + 1));
      i = args.length;
      break;
    }
    // An unknown "-x" after a positional argument is itself positional (runc's kill ID -9).
    const tok = positional.length > 0 && !lookupToken(defs, arg) ? undefined : flagToken(arg);
    if (!tok) {
      if (mode === 'global') break;
      positional.push(arg);
      continue;
    }
    const def = lookup(defs, tok.spelled);
    if (!def) throw new UsageError(`flag provided but not defined: -${tok.spelled}`);
    let raw = tok.inline;
    if (raw === undefined) {
      if (def.type === 'bool') raw = 'true';
      else if (i + 1 < args.length) raw = args[++i]!;
      else throw new UsageError(`flag needs an argument: -${tok.spelled}`);
    }
    const value = parseValue(def, tok.spelled, raw);
    if (def.type === 'strings') flags[def.name] = [...((flags[def.name] as string[] | undefined) ?? []), value as string];
    else flags[def.name] = value;
  }
  return { flags, positional, stop: i };
}

function lookupToken(defs: readonly FlagDef[], arg: string): FlagDef | undefined {
  try {
    const tok = flagToken(arg);
    return tok ? lookup(defs, tok.spelled) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A command's own arguments (everything after the command name). With rawTail, everything
 * after the first positional argument is positional too, flags included (`ps ID -f`: the
 * arguments are the host ps's, as runc passes them).
 */
export function parseCommandArgs(args: readonly string[], defs: readonly FlagDef[], rawTail = false): ParsedArgs {
  const { flags, positional } = scan(args, [...defs, HELP_FLAG], 'command', rawTail);
  return { flags, positional };
}

export interface GlobalSplit {
  flags: Record<string, FlagValue>;
  command?: string;
  rest: string[];
}

/** Global flags, then the command name, then the command's own arguments. */
export function parseGlobalArgs(argv: readonly string[], defs: readonly FlagDef[]): GlobalSplit {
  const { flags, stop } = scan(argv, defs, 'global');
  return { flags, command: argv[stop], rest: argv.slice(stop + 1) };
}

export interface ArgCount {
  min: number;
  max: number;
}

/** runc's argument-count wording ("requires exactly 1 argument(s)"), plus a pointer to help. */
export function checkArgCount(command: string, positional: readonly string[], count: ArgCount): void {
  const n = positional.length;
  if (n >= count.min && n <= count.max) return;
  const hint = `; see "berth ${command} --help"`;
  if (count.min === count.max) throw new UsageError(`"${command}" requires exactly ${count.min} argument(s)${hint}`);
  if (n < count.min) throw new UsageError(`"${command}" requires a minimum of ${count.min} argument(s)${hint}`);
  throw new UsageError(`"${command}" requires a maximum of ${count.max} argument(s)${hint}`);
}

export function stringFlag(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeatable flag ('strings'), in order; [] when not given. */
export function listFlag(p: ParsedArgs, name: string): string[] {
  const v = p.flags[name];
  return Array.isArray(v) ? v : [];
}

export function boolFlag(p: ParsedArgs, name: string): boolean {
  return p.flags[name] === true;
}

export function uintFlag(p: ParsedArgs, name: string, fallback: number): number {
  const v = p.flags[name];
  return typeof v === 'number' ? v : fallback;
}

/** The OPTIONS block of a command's --help, generated from its flag table. */
export function formatFlagHelp(defs: readonly FlagDef[]): string {
  const rows = [...defs, HELP_FLAG].map((d) => {
    const value = d.type === 'bool' ? '' : ` ${d.value ?? 'VALUE'}`;
    const names = `--${d.name}${value}${d.short ? `, -${d.short}${value}` : ''}`;
    return [names, d.help] as const;
  });
  const width = Math.max(...rows.map(([n]) => n.length));
  return rows.map(([n, h]) => `   ${n.padEnd(width)}  ${h}\n`).join('');
}
