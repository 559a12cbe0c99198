// Statistics of a container's cgroup v1 hierarchies, read the way runc's fs driver reads
// them: cpuacct for usage, cpu.stat for throttling, memory.* (plus memsw, kmem, kmem.tcp),
// pids, blkio (CFQ files, else BFQ, else the throttle counters) and hugetlb.

import * as path from '../../sys/posix-path.js';
import type { CgroupFiles } from '../resources/files.js';
import { cpuList, nonZero, readKeyed, readU64 } from './parse.js';
import { hugetlbStats } from './hugetlb.js';
import type { BlkioEntry, CgroupStats, MemoryEntry, U64 } from './types.js';

/** USER_HZ: cpuacct.stat counts in ticks of 1/100 s. */
const NS_PER_TICK = 10_000_000n;

function listU64(text: string | undefined): U64[] | undefined {
  const parts = text?.trim().split(/\s+/).filter(Boolean);
  return parts?.length ? parts.map((p) => BigInt(p)) : undefined;
}

function cpuStats(files: CgroupFiles, acct: string | undefined, cpu: string | undefined): CgroupStats['cpu'] {
  const out: CgroupStats['cpu'] = {};
  if (acct) {
    const f = (n: string) => path.join(acct, n);
    const ticks = readKeyed(files, f('cpuacct.stat')) ?? {};
    // cpuacct.usage_all: "cpu user system" per line, in ns.
    const all = (files.read(f('cpuacct.usage_all')) ?? '').split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 3);
    out.usage = {
      ...nonZero({
        total: readU64(files, f('cpuacct.usage')),
        percpu: listU64(files.read(f('cpuacct.usage_percpu'))),
        percpu_kernel: all.length ? all.map((p) => BigInt(p[2]!)) : undefined,
        percpu_user: all.length ? all.map((p) => BigInt(p[1]!)) : undefined,
      }),
      kernel: (ticks['system'] ?? 0n) * NS_PER_TICK,
      user: (ticks['user'] ?? 0n) * NS_PER_TICK,
    };
  }
  if (cpu) {
    const st = readKeyed(files, path.join(cpu, 'cpu.stat')) ?? {};
    out.throttling = nonZero({ periods: st['nr_periods'], throttled_periods: st['nr_throttled'], throttled_time: st['throttled_time'] });
  }
  return out;
}

function memoryEntry(files: CgroupFiles, dir: string, prefix: string): MemoryEntry | undefined {
  const r = (n: string) => readU64(files, path.join(dir, `${prefix}.${n}`));
  const limit = r('limit_in_bytes');
  if (limit === undefined) return undefined;
  return {
    limit,
    ...nonZero({ usage: r('usage_in_bytes'), max: r('max_usage_in_bytes') }),
    failcnt: r('failcnt') ?? 0n,
  };
}

function memoryStats(files: CgroupFiles, dir: string | undefined): CgroupStats['memory'] {
  if (!dir) return {};
  const raw = readKeyed(files, path.join(dir, 'memory.stat'));
  return nonZero({
    cache: raw?.['cache'],
    usage: memoryEntry(files, dir, 'memory'),
    swap: memoryEntry(files, dir, 'memory.memsw'),
    kernel: memoryEntry(files, dir, 'memory.kmem'),
    kernelTCP: memoryEntry(files, dir, 'memory.kmem.tcp'),
    raw,
  });
}

/** "8:0 Read 4096" lines; the "Total N" line has no device and is skipped, as runc does. */
function blkioEntries(text: string | undefined): BlkioEntry[] | undefined {
  if (text === undefined) return undefined;
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const p = line.trim().split(/\s+/);
    const dev = /^(\d+):(\d+)$/.exec(p[0] ?? '');
    if (p.length !== 3 || !dev || !/^\d+$/.test(p[2]!)) continue;
    out.push(nonZero({ major: BigInt(dev[1]!), minor: BigInt(dev[2]!), op: p[1], value: BigInt(p[2]!) }));
  }
  return out;
}

function blkioStats(files: CgroupFiles, dir: string | undefined): CgroupStats['blkio'] {
  if (!dir) return {};
  const f = (n: string) => files.read(path.join(dir, n));
  for (const prefix of ['blkio', 'blkio.bfq', 'blkio.throttle']) {
    const bytes = f(`${prefix}.io_service_bytes_recursive`);
    if (bytes === undefined) continue;
    return nonZero({ ioServiceBytesRecursive: blkioEntries(bytes), ioServicedRecursive: blkioEntries(f(`${prefix}.io_serviced_recursive`)) });
  }
  return {};
}

export function v1Stats(paths: Readonly<Record<string, string>>, files: CgroupFiles, listDir: (dir: string) => string[]): CgroupStats {
  const cpuset = paths['cpuset'];
  const pids = paths['pids'];
  const hugetlb = paths['hugetlb'];
  const pidsLimit = pids ? readU64(files, path.join(pids, 'pids.max')) : undefined;
  return {
    cpu: cpuStats(files, paths['cpuacct'], paths['cpu']),
    ...(cpuset ? { cpuset: nonZero({ cpus: cpuList(files.read(path.join(cpuset, 'cpuset.cpus'))), mems: cpuList(files.read(path.join(cpuset, 'cpuset.mems'))) }) } : {}),
    memory: memoryStats(files, paths['memory']),
    pids: pids ? nonZero({ current: readU64(files, path.join(pids, 'pids.current')), limit: pidsLimit === 18446744073709551615n ? undefined : pidsLimit }) : {},
    blkio: blkioStats(files, paths['blkio']),
    hugetlb: hugetlbStats(files, hugetlb, hugetlb ? listDir(hugetlb) : [], {
      usage: 'usage_in_bytes',
      max: 'max_usage_in_bytes',
      failcnt: (size) => readU64(files, path.join(hugetlb!, `hugetlb.${size}.failcnt`)),
    }),
  };
}

/** The memory controller's count of OOM kills ("oom_kill" in memory.oom_control, kernel 4.13+). */
export function v1OomKills(paths: Readonly<Record<string, string>>, files: CgroupFiles): U64 | undefined {
  const dir = paths['memory'];
  return dir ? readKeyed(files, path.join(dir, 'memory.oom_control'))?.['oom_kill'] : undefined;
}
