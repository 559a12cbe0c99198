// What `update` changes, in linux.resources' shape (the shape of runc's --resources JSON):
// memory limit/reservation/swap, cpu shares/quota/period/realtime/cpus/mems/idle, the blkio
// weight, the pids limit, and unified (v2). As with runc, 0 (or "") means "leave as it is",
// so the change is merged over what the container has: the last update's record, else the
// bundle's linux.resources. Pure: the I/O is in update.ts.

import { UsageError } from '../errors.js';

export interface UpdateResources {
  memory?: { limit?: number; reservation?: number; swap?: number; kernel?: number; kernelTCP?: number; checkBeforeUpdate?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; realtimeRuntime?: number; realtimePeriod?: number; cpus?: string; mems?: string; idle?: number };
  blockIO?: { weight?: number };
  pids?: { limit?: number };
  unified?: Record<string, string>;
}

const NUMBERS: Record<string, readonly string[]> = {
  memory: ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP'],
  cpu: ['shares', 'quota', 'period', 'realtimeRuntime', 'realtimePeriod', 'idle'],
  blockIO: ['weight'],
  pids: ['limit'],
};
const STRINGS: Record<string, readonly string[]> = { cpu: ['cpus', 'mems'] };

/**
 * The fields of a resources document update uses, type-checked (the path names a bad one).
 * Other members of linux.resources are ignored, as runc ignores them.
 */
export function pickUpdateFields(doc: unknown, where: string): UpdateResources {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${where}: not a JSON object`);
  const d = doc as Record<string, unknown>;
  const out: Record<string, Record<string, unknown>> = {};
  for (const group of ['memory', 'cpu', 'blockIO', 'pids']) {
    const g = d[group];
    if (g === undefined || g === null) continue;
    if (typeof g !== 'object' || Array.isArray(g)) throw new UsageError(`${where} /${group}: not an object`);
    const picked: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(g as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (NUMBERS[group]!.includes(k)) {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new UsageError(`${where} /${group}/${k}: not an integer`);
        picked[k] = v;
      } else if (STRINGS[group]?.includes(k)) {
        if (typeof v !== 'string') throw new UsageError(`${where} /${group}/${k}: not a string`);
        picked[k] = v;
      } else if (group === 'memory' && k === 'checkBeforeUpdate') {
        if (typeof v !== 'boolean') throw new UsageError(`${where} /memory/checkBeforeUpdate: not a boolean`);
        picked[k] = v;
      }
    }
    out[group] = picked;
  }
  const u = d['unified'];
  if (u !== undefined && u !== null) {
    if (typeof u !== 'object' || Array.isArray(u) || Object.values(u).some((v) => typeof v !== 'string')) throw new UsageError(`${where} /unified: not an object of strings`);
    out['unified'] = { ...(u as Record<string, string>) };
  }
  return out as UpdateResources;
}

/** change over base: a field that is 0, "" or absent in change keeps base's value. */
export function mergeUpdate(base: UpdateResources, change: UpdateResources): UpdateResources {
  const out: Record<string, Record<string, unknown>> = {};
  for (const group of ['memory', 'cpu', 'blockIO', 'pids'] as const) {
    const merged: Record<string, unknown> = { ...(base[group] as Record<string, unknown> | undefined) };
    for (const [k, v] of Object.entries((change[group] ?? {}) as Record<string, unknown>)) {
      if (v !== 0 && v !== '' && v !== undefined) merged[k] = v;
    }
    if (Object.keys(merged).length) out[group] = merged;
  }
  const unified = { ...base.unified, ...change.unified };
  if (Object.keys(unified).length) out['unified'] = unified;
  return out as UpdateResources;
}

/** The change has something to do (runc's update with no flags at all still "succeeds"). */
export function isEmptyChange(change: UpdateResources): boolean {
  return Object.keys(mergeUpdate({}, change)).length === 0;
}
