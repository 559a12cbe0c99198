// Readers for the shapes of cgroup statistics files, shared by the v1 and v2 stats: one
// number, "key value" lines, "key=value" pairs, cpu lists. A file that cannot be read gives
// undefined (a controller that is not there, or a kernel without that file).

import type { CgroupFiles } from '../resources/files.js';
import type { U64 } from './types.js';

/** "123" -> 123n; "max" -> 2^64-1 as runc reports an unlimited value; anything else undefined. */
export function u64(text: string | undefined): U64 | undefined {
  const t = text?.trim();
  if (t === undefined) return undefined;
  if (t === 'max') return 18446744073709551615n;
  return /^\d+$/.test(t) ? BigInt(t) : undefined;
}

export function readU64(files: CgroupFiles, file: string): U64 | undefined {
  return u64(files.read(file));
}

/** "key value" per line (memory.stat, cpu.stat, memory.events, memory.oom_control). */
export function readKeyed(files: CgroupFiles, file: string): Record<string, U64> | undefined {
  const text = files.read(file);
  if (text === undefined) return undefined;
  const out: Record<string, U64> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    const n = u64(v);
    if (k && n !== undefined) out[k] = n;
  }
  return out;
}

/** "0-2,5" -> [0, 1, 2, 5] */
export function cpuList(text: string | undefined): number[] | undefined {
  const t = text?.trim();
  if (!t) return undefined;
  const out: number[] = [];
  for (const part of t.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    for (let i = Number(m[1]); i <= Number(m[2] ?? m[1]); i++) out.push(i);
  }
  return out;
}

/** Omit zero-valued keys, as Go's omitempty does. */
export function nonZero<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== 0n && v !== 0 && !(Array.isArray(v) && !v.length))) as T;
}
