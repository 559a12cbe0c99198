// The statistics `events` prints, in runc's JSON shape (its types/events.go: field names and
// which fields are left out when zero). Counters are unsigned 64-bit in the kernel and can
// exceed 2^53 (an unlimited v1 memory limit reads 9223372036854771712), so they are bigints
// and statsJson prints them exactly.

export type U64 = bigint;

export interface CpuUsage {
  total?: U64;
  percpu?: U64[];
  percpu_kernel?: U64[];
  percpu_user?: U64[];
  kernel: U64;
  user: U64;
}

export interface Throttling {
  periods?: U64;
  throttled_periods?: U64;
  throttled_time?: U64;
}

export interface MemoryEntry {
  limit: U64;
  usage?: U64;
  max?: U64;
  failcnt: U64;
}

export interface BlkioEntry {
  major?: U64;
  minor?: U64;
  op?: string;
  value?: U64;
}

export interface Blkio {
  ioServiceBytesRecursive?: BlkioEntry[];
  ioServicedRecursive?: BlkioEntry[];
}

export interface Hugetlb {
  usage?: U64;
  max?: U64;
  failcnt: U64;
}

export interface CgroupStats {
  cpu: { usage?: CpuUsage; throttling?: Throttling };
  cpuset?: { cpus?: number[]; mems?: number[] };
  memory: {
    cache?: U64;
    usage?: MemoryEntry;
    swap?: MemoryEntry;
    kernel?: MemoryEntry;
    kernelTCP?: MemoryEntry;
    raw?: Record<string, U64>;
  };
  pids: { current?: U64; limit?: U64 };
  blkio: Blkio;
  hugetlb: Record<string, Hugetlb>;
}

export interface NetworkInterface {
  name: string;
  rx_bytes: U64;
  rx_packets: U64;
  rx_errors: U64;
  rx_dropped: U64;
  tx_bytes: U64;
  tx_packets: U64;
  tx_errors: U64;
  tx_dropped: U64;
}

/** JSON with bigints printed as plain integers (JSON.stringify refuses bigints). */
export function statsJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `\u0000big:${v}` : v)).replace(/"\\u0000big:(-?\d+)"/g, '$1');
}
