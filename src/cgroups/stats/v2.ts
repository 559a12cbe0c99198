// Statistics of a container's cgroup v2 directory, read the way runc's fs2 driver reads them:
// cpu.stat (microseconds, reported in ns), memory.current/max/peak/stat/events, swap as
// memory + swap (the v1 memsw meaning runc keeps), pids, io.stat and hugetlb.<size>.*.

import * as path from '../../sys/posix-path.js';
import type { CgroupFiles } from '../resources/files.js';
import { hugetlbStats } from './hugetlb.js';
import { cpuList, nonZero, readKeyed, readU64 } from './parse.js';
import type { BlkioEntry, CgroupStats, MemoryEntry, U64 } from './types.js';

const MAX = 18446744073709551615n;

function cpuStats(files: CgroupFiles, dir: string): CgroupStats['cpu'] {
  const st = readKeyed(files, path.join(dir, 'cpu.stat'));
  if (!st) return {};
  const ns = (k: string) => (st[k] ?? 0n) * 1000n;
  return {
    usage: { ...nonZero({ total: ns('usage_usec') }), kernel: ns('system_usec'), user: ns('user_usec') },
    throttling: nonZero({ periods: st['nr_periods'], throttled_periods: st['nr_throttled'], throttled_time: st['throttled_usec'] === undefined ? undefined : ns('throttled_usec') }),
  };
}

function memoryStats(files: CgroupFiles, dir: string): CgroupStats['memory'] {
  const r = (n: string) => readU64(files, path.join(dir, n));
  const usage = r('memory.current');
  if (usage === undefined) return {};
  const raw = readKeyed(files, path.join(dir, 'memory.stat'));
  const events = readKeyed(files, path.join(dir, 'memory.events'));
  const limit = r('memory.max') ?? MAX;
  const mem: MemoryEntry = { limit, ...nonZero({ usage, max: r('memory.peak') }), failcnt: events?.['max'] ?? 0n };
  const swapUsage = r('memory.swap.current');
  const swapMax = r('memory.swap.max');
  const swap: MemoryEntry | undefined =
    swapUsage === undefined ? undefined : { limit: swapMax === undefined || swapMax === MAX || limit === MAX ? MAX : swapMax + limit, ...nonZero({ usage: swapUsage + usage }), failcnt: 0n };
  return nonZero({ cache: raw?.['file'], usage: mem, swap, raw });
}

/** io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device. */
function ioStats(files: CgroupFiles, dir: string): CgroupStats['blkio'] {
  const text = files.read(path.join(dir, 'io.stat'));
  if (text === undefined) return {};
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const [dev, ...pairs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const kv = Object.fromEntries(pairs.map((p) => p.split('=')));
    const entry = (op: string, v: string | undefined) => nonZero({ major: BigInt(m[1]!), minor: BigInt(m[2]!), op, value: v && /^\d+$/.test(v) ? BigInt(v) : undefined });
    bytes.push(entry('Read', kv['rbytes']), entry('Write', kv['wbytes']));
    ios.push(entry('Read', kv['rios']), entry('Write', kv['wios']));
  }
  return nonZero({ ioServiceBytesRecursive: bytes, ioServicedRecursive: ios });
}

export function v2Stats(dir: string, files: CgroupFiles, listDir: (dir: string) => string[]): CgroupStats {
  const pidsLimit = readU64(files, path.join(dir, 'pids.max'));
  const cpus = cpuList(files.read(path.join(dir, 'cpuset.cpus.effective')));
  const mems = cpuList(files.read(path.join(dir, 'cpuset.mems.effective')));
  return {
    cpu: cpuStats(files, dir),
    ...(cpus || mems ? { cpuset: nonZero({ cpus, mems }) } : {}),
    memory: memoryStats(files, dir),
    pids: nonZero({ current: readU64(files, path.join(dir, 'pids.current')), limit: pidsLimit === MAX ? undefined : pidsLimit }),
    blkio: ioStats(files, dir),
    hugetlb: hugetlbStats(files, dir, listDir(dir), {
      usage: 'current',
      failcnt: (size) => readKeyed(files, path.join(dir, `hugetlb.${size}.events`))?.['max'],
    }),
  };
}

/** The count of OOM kills in this cgroup ("oom_kill" in memory.events). */
export function v2OomKills(dir: string, files: CgroupFiles): U64 | undefined {
  return readKeyed(files, path.join(dir, 'memory.events'))?.['oom_kill'];
}
