// What the resource writers take from config.json, read defensively: the schema has checked
// types already, but the spec's types leave most resource objects loosely typed.

import type { Device, Resources } from '../../spec/types.js';

export interface ResourceInput {
  resources?: Resources;
  /** linux.devices: their paths drop the matching default device rules */
  devices?: Device[];
}

export interface ApplyOptions {
  warn: (msg: string) => void;
  /** cgroup v2: load and attach a BPF_PROG_TYPE_CGROUP_DEVICE program (the addon) */
  attachDeviceProgram?: (cgroupDir: string, insns: Buffer) => void;
  /** `update` changes limits of a live container: its device rules stay as create set them */
  keepDevices?: boolean;
}

export type Obj = Record<string, unknown>;

export const R = '/linux/resources';

export function num(o: Obj | undefined, k: string): number | undefined {
  const v = o?.[k];
  return typeof v === 'number' ? v : undefined;
}

export function str(o: Obj | undefined, k: string): string | undefined {
  const v = o?.[k];
  return typeof v === 'string' ? v : undefined;
}

export function list(o: Obj | undefined, k: string): Obj[] {
  const v = o?.[k];
  return Array.isArray(v) ? (v as Obj[]) : [];
}

/** "8:16" for a blockIO device entry */
export function majMin(d: Obj): string {
  return `${d.major}:${d.minor}`;
}

export const THROTTLES = [
  { key: 'throttleReadBpsDevice', v1: 'blkio.throttle.read_bps_device', v2: 'rbps' },
  { key: 'throttleWriteBpsDevice', v1: 'blkio.throttle.write_bps_device', v2: 'wbps' },
  { key: 'throttleReadIOPSDevice', v1: 'blkio.throttle.read_iops_device', v2: 'riops' },
  { key: 'throttleWriteIOPSDevice', v1: 'blkio.throttle.write_iops_device', v2: 'wiops' },
] as const;
