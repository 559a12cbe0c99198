// Rules for /linux/resources that the spec states in prose: device rule letters, memory and
// CPU relations, block I/O entries that must carry a value, RDMA entries, unified file names.

import type { Spec } from '../types.js';
import { pointer } from '../json-pointer.js';
import type { Findings } from './findings.js';
import { numberListProblem } from './number-lists.js';
import { hasNul } from './paths.js';

type Obj = Record<string, unknown>;
const num = (o: Obj | undefined, k: string) => (typeof o?.[k] === 'number' ? (o[k] as number) : undefined);

export function checkResources(f: Findings, spec: Spec): void {
  const r = spec.linux?.resources;
  if (!r) return;
  const at = '/linux/resources';

  (r.devices ?? []).forEach((d, i) => {
    // An empty type means all devices, as an absent one does (runc reads it so).
    if (d.type !== undefined && !['', 'a', 'b', 'c'].includes(d.type)) {
      f.fail(`${at}/devices/${i}/type`, `"${d.type}" is not a (all), b (block) or c (char)`);
    }
    if (d.access !== undefined && ![...d.access].every((c) => c === 'r' || c === 'w' || c === 'm')) {
      f.fail(`${at}/devices/${i}/access`, `"${d.access}" is not made of r (read), w (write) and m (mknod)`);
    }
  });

  const mem = r.memory;
  const swappiness = num(mem, 'swappiness');
  if (swappiness !== undefined && swappiness > 100) f.fail(`${at}/memory/swappiness`, `${swappiness} is above 100`);
  const limit = num(mem, 'limit');
  const swap = num(mem, 'swap');
  // swap is the memory+swap limit: it cannot be below the memory limit (-1 and 0 mean unset).
  if (limit !== undefined && swap !== undefined && limit > 0 && swap > 0 && swap < limit) {
    f.fail(`${at}/memory/swap`, `memory+swap limit ${swap} is below the memory limit ${limit}`);
  }

  const cpu = r.cpu;
  const quota = num(cpu, 'quota');
  const burst = num(cpu, 'burst');
  if (quota !== undefined && burst !== undefined && quota > 0 && burst > quota) {
    f.fail(`${at}/cpu/burst`, `burst ${burst} is above the quota ${quota}`);
  }
  const idle = num(cpu, 'idle');
  if (idle !== undefined && idle !== 0 && idle !== 1) f.fail(`${at}/cpu/idle`, `${idle} is neither 0 nor 1`);
  for (const k of ['cpus', 'mems']) {
    const list = cpu?.[k];
    const problem = typeof list === 'string' ? numberListProblem(list) : undefined;
    if (problem) f.fail(`${at}/cpu/${k}`, `is not a list: ${problem}`);
  }

  const io = r.blockIO as Obj | undefined;
  ((io?.weightDevice as Obj[] | undefined) ?? []).forEach((d, i) => {
    if (d.weight === undefined && d.leafWeight === undefined) {
      f.fail(`${at}/blockIO/weightDevice/${i}`, 'needs a weight or a leafWeight');
    }
  });
  for (const k of ['throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice']) {
    ((io?.[k] as Obj[] | undefined) ?? []).forEach((d, i) => {
      if (d.rate === undefined) f.fail(`${at}/blockIO/${k}/${i}/rate`, 'is required');
    });
  }

  for (const [device, limits] of Object.entries((r.rdma ?? {}) as Record<string, Obj>)) {
    if (limits.hcaHandles === undefined && limits.hcaObjects === undefined) {
      f.fail(pointer('linux', 'resources', 'rdma', device), 'needs hcaHandles or hcaObjects');
    }
  }

  // Each key names a file in the container's cgroup directory: a path would reach elsewhere.
  for (const key of Object.keys(r.unified ?? {})) {
    if (key === '' || key === '.' || key === '..' || key.includes('/') || hasNul(key)) {
      f.fail(pointer('linux', 'resources', 'unified', key), `"${key}" is not a cgroup file name`);
    }
  }
}
