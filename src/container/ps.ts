// `ps`: the processes of a container. The pids come from its cgroup (every hierarchy,
// recursively); the table is the host's ps output with its header and only the rows whose PID
// column is one of them, as runc does it (running the host's ps is reading, not a kernel
// operation berth makes itself).

import { spawnSync } from 'node:child_process';
import { cgroupManagerFromRecord } from '../cgroups/index.js';
import { BerthError } from '../errors.js';
import { StateStore } from '../state/store.js';

export function containerPids(root: string, id: string): number[] {
  const st = new StateStore(root).read(id);
  return cgroupManagerFromRecord(st.cgroup).pids();
}

/** Keeps the header and the rows whose PID column holds one of pids. */
export function filterPsOutput(output: string, pids: readonly number[]): string {
  const lines = output.split('\n');
  const header = lines[0] ?? '';
  const pidColumn = header.trim().split(/\s+/).indexOf('PID');
  if (pidColumn < 0) throw new BerthError("couldn't find PID field in ps output");
  const wanted = new Set(pids);
  const rows = [header];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const field = line.trim().split(/\s+/)[pidColumn];
    const pid = field !== undefined && /^\d+$/.test(field) ? Number(field) : NaN;
    if (Number.isNaN(pid)) throw new BerthError(`unable to parse pid: ${JSON.stringify(field ?? '')}`);
    if (wanted.has(pid)) rows.push(line);
  }
  return rows.join('\n') + '\n';
}

export function psTable(root: string, id: string, psArgs: readonly string[]): string {
  const pids = containerPids(root, id);
  const res = spawnSync('ps', psArgs.length ? [...psArgs] : ['-ef'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.error) throw new BerthError(`cannot run ps: ${res.error.message}`);
  if (res.status !== 0) throw new BerthError(`ps exited with status ${res.status}: ${(res.stdout + res.stderr).trim()}`);
  return filterPsOutput(res.stdout, pids);
}
