// Value syntaxes of runc's update and events flags, with runc's error wording:
// - sizes as docker's units.RAMInBytes takes them: a decimal number, optional space, an
//   optional unit k/m/g/t/p (any case, powers of 1024) with an optional "i" and "b"
//   ("512m", "1.5G", "64KiB", "100 MB", "4096"); "-1" (unlimited) is handled by the caller;
// - unsigned and signed decimal integers as Go's strconv.ParseUint/ParseInt (base 10);
// - durations as Go's time.ParseDuration ("5s", "100ms", "1m30s", "1.5h").

import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

export function parseRamInBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!m || !Number.isFinite(n)) throw new Error(`invalid size: '${text}'`);
  return Math.trunc(n * UNITS[(m[2] ?? '').toLowerCase()]!);
}

const U64_MAX = 2n ** 64n - 1n;
const I64_MAX = 2n ** 63n - 1n;

function goIntError(fn: string, text: string, why: string): Error {
  return new Error(`strconv.${fn}: parsing ${JSON.stringify(text)}: ${why}`);
}

export function parseUint64(text: string): number {
  if (!/^\d+$/.test(text)) throw goIntError('ParseUint', text, 'invalid syntax');
  if (BigInt(text) > U64_MAX) throw goIntError('ParseUint', text, 'value out of range');
  return Number(text);
}

export function parseInt64(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw goIntError('ParseInt', text, 'invalid syntax');
  const v = BigInt(text);
  if (v > I64_MAX || v < -I64_MAX - 1n) throw goIntError('ParseInt', text, 'value out of range');
  return Number(text);
}

/** A flag of Go's flag.Int kind (runc's --blkio-weight, --pids-limit): any decimal int. */
export function parseIntFlag(name: string, text: string): number {
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`invalid value ${JSON.stringify(text)} for flag -${name}: parse error`);
  return Number(text);
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds (fractions kept). */
export function parseDurationMs(text: string): number {
  const bad = () => new UsageError(`invalid value ${JSON.stringify(text)} for flag -interval: parse error`);
  let rest = text;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (!rest) throw bad();
  let total = 0;
  while (rest) {
    const m = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!m) throw bad();
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}
