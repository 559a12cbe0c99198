// runc's update flags turned into a resources change (container/update-resources.ts), each
// value checked before anything is written, with runc's wording:
// "invalid value for memory: invalid size: '1zz'".

import { BerthError, UsageError } from '../errors.js';
import type { UpdateResources } from '../container/update-resources.js';
import type { FlagDef } from './args.js';
import { parseInt64, parseIntFlag, parseRamInBytes, parseUint64 } from './units.js';

export const UPDATE_FLAGS: FlagDef[] = [
  { name: 'resources', short: 'r', type: 'string', value: 'FILE', help: 'a JSON file with the resources to update, "-" for stdin; the other flags are then ignored' },
  { name: 'blkio-weight', type: 'string', value: 'N', help: 'block I/O weight, 10 to 1000' },
  { name: 'cpu-period', type: 'string', value: 'USECS', help: 'CPU CFS period (0: the system default)' },
  { name: 'cpu-quota', type: 'string', value: 'USECS', help: 'CPU CFS quota per period (-1: none)' },
  { name: 'cpu-share', type: 'string', value: 'N', help: 'CPU shares (relative weight)' },
  { name: 'cpu-rt-period', type: 'string', value: 'USECS', help: 'CPU realtime period (cgroup v1)' },
  { name: 'cpu-rt-runtime', type: 'string', value: 'USECS', help: 'CPU realtime runtime per period (cgroup v1)' },
  { name: 'cpuset-cpus', type: 'string', value: 'LIST', help: 'CPUs to use, e.g. 0-2,4' },
  { name: 'cpuset-mems', type: 'string', value: 'LIST', help: 'memory nodes to use' },
  { name: 'memory', type: 'string', value: 'SIZE', help: 'memory limit (bytes, or 512k, 64m, 1g ...; -1: none)' },
  { name: 'memory-reservation', type: 'string', value: 'SIZE', help: 'memory soft limit' },
  { name: 'memory-swap', type: 'string', value: 'SIZE', help: 'memory + swap limit; -1: unlimited swap' },
  { name: 'pids-limit', type: 'string', value: 'N', help: 'maximum number of processes (0: unchanged)' },
  { name: 'l3-cache-schema', type: 'string', value: 'SCHEMA', help: 'Intel RDT L3 cache schema (not supported)' },
  { name: 'mem-bw-schema', type: 'string', value: 'SCHEMA', help: 'Intel RDT memory bandwidth schema (not supported)' },
];

function checked<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new BerthError(`invalid value for ${flag}: ${(err as Error).message}`);
  }
}

/** The change the flags ask for; get returns a flag's text when it was given. */
export function changeFromFlags(get: (name: string) => string | undefined): UpdateResources {
  const memory: NonNullable<UpdateResources['memory']> = {};
  const cpu: NonNullable<UpdateResources['cpu']> = {};
  const r: UpdateResources = {};
  const weight = get('blkio-weight');
  if (weight !== undefined) r.blockIO = { weight: parseIntFlag('blkio-weight', weight) };
  const pids = get('pids-limit');
  if (pids !== undefined) r.pids = { limit: parseIntFlag('pids-limit', pids) };
  const cpus = get('cpuset-cpus');
  if (cpus) cpu.cpus = cpus;
  const mems = get('cpuset-mems');
  if (mems) cpu.mems = mems;
  const uints: [string, 'period' | 'realtimePeriod' | 'shares'][] = [['cpu-period', 'period'], ['cpu-rt-period', 'realtimePeriod'], ['cpu-share', 'shares']];
  for (const [flag, key] of uints) {
    const v = get(flag);
    if (v) cpu[key] = checked(flag, () => parseUint64(v));
  }
  const ints: [string, 'quota' | 'realtimeRuntime'][] = [['cpu-quota', 'quota'], ['cpu-rt-runtime', 'realtimeRuntime']];
  for (const [flag, key] of ints) {
    const v = get(flag);
    if (v) cpu[key] = checked(flag, () => parseInt64(v));
  }
  const sizes: [string, 'limit' | 'swap' | 'reservation'][] = [['memory', 'limit'], ['memory-swap', 'swap'], ['memory-reservation', 'reservation']];
  for (const [flag, key] of sizes) {
    const v = get(flag);
    if (v) memory[key] = v === '-1' ? -1 : checked(flag, () => parseRamInBytes(v));
  }
  if (Object.keys(memory).length) r.memory = memory;
  if (Object.keys(cpu).length) r.cpu = cpu;
  return r;
}

/** Intel RDT (resctrl) is not implemented: refuse rather than ignore the schema. */
export function refuseIntelRdt(get: (name: string) => string | undefined): void {
  for (const flag of ['l3-cache-schema', 'mem-bw-schema']) {
    if (get(flag)) throw new UsageError(`--${flag}: Intel RDT is not supported by berth`);
  }
}
