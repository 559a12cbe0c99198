// Reads a container's cgroup files from the host, on cgroup v1 (one hierarchy per
// controller) or v2 (one tree), to check what an engine asked the runtime to set.

import fs from 'node:fs';
import path from 'node:path';

const root = '/sys/fs/cgroup';
const pureV2 = fs.existsSync(path.join(root, 'cgroup.controllers'));

/**
 * The content of a cgroup file of the cgroup at `cgroupPath`: `v1` is [controller, file],
 * `v2` the unified file name. Undefined if the file does not exist.
 */
export function readCgroupFile(cgroupPath: string, v1: [string, string], v2: string): string | undefined {
  const file = pureV2 ? path.join(root, cgroupPath, v2) : path.join(root, v1[0], cgroupPath, v1[1]);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** "FROZEN"/"THAWED" (v1 freezer.state) or "1"/"0" (v2 cgroup.freeze), as "frozen"/"thawed". */
export function freezerState(cgroupPath: string): string | undefined {
  const v = readCgroupFile(cgroupPath, ['freezer', 'freezer.state'], 'cgroup.freeze');
  if (v === undefined) return undefined;
  return v === 'FROZEN' || v === '1' ? 'frozen' : 'thawed';
}

/** memory limit in bytes, CFS quota/period as "quota period", pids limit. */
export function resourceLimits(cgroupPath: string): { memory?: string; cpu?: string; pids?: string } {
  const memory = readCgroupFile(cgroupPath, ['memory', 'memory.limit_in_bytes'], 'memory.max');
  const pids = readCgroupFile(cgroupPath, ['pids', 'pids.max'], 'pids.max');
  let cpu = readCgroupFile(cgroupPath, ['cpu', 'cpu.max'], 'cpu.max');
  if (!pureV2) {
    const quota = readCgroupFile(cgroupPath, ['cpu', 'cpu.cfs_quota_us'], 'cpu.max');
    const period = readCgroupFile(cgroupPath, ['cpu', 'cpu.cfs_period_us'], 'cpu.max');
    cpu = `${quota} ${period}`;
  }
  return { memory, cpu, pids };
}
