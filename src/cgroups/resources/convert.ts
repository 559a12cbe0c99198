// Pure value mappings for linux.resources: how a spec number becomes the text a cgroup file
// takes, and how the v1-shaped spec values become cgroup v2 values. The formulas are the ones
// runc and crun use, so a container gets the same weights whichever runtime started it.

/**
 * A spec integer as decimal text. JSON numbers reach us as doubles; values above 2^53 (e.g.
 * an int64 max limit) are already rounded by JSON.parse, so print the double exactly instead of
 * in exponent form ("9223372036854775808", never "9.2e18").
 */
export function intText(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}

/** cpu.shares (2..262144, default 1024) -> cpu.weight (1..10000, default 100); 0 means unset. */
export function cpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

/** blkio.weight (10..1000) -> io.weight (1..10000); 0 means unset. */
export function blkioWeightToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  return 1 + Math.floor(((weight - 10) * 9999) / 990);
}

/**
 * cgroup v2 memory.max / memory.low / memory.swap.max text: 0 means "leave alone" (undefined),
 * -1 (any negative, as v1 takes it) means "max".
 */
export function v2LimitText(n: number | undefined): string | undefined {
  if (n === undefined || n === 0) return undefined;
  return n < 0 ? 'max' : intText(n);
}

/**
 * The spec's memory.swap is the v1 memory+swap limit; v2 limits swap alone
 * (memory.swap.max = swap - limit). Returns the number to write (-1 = max, 0 = leave alone) or
 * a reason the pair cannot be expressed.
 */
export function swapToV2(swap: number, limit: number): number | string {
  // An unlimited memory with no swap given means unlimited swap too, as on v1.
  if (limit === -1 && swap === 0) return -1;
  if (swap === -1 || swap === 0) return swap;
  if (swap < 0) return `${swap} is not a limit (use -1 for unlimited)`;
  if (limit === 0 || limit === -1) return 'a swap limit needs a memory limit';
  if (limit < 0) return `the memory limit ${limit} is not a limit`;
  if (swap < limit) return `the memory+swap limit ${swap} is below the memory limit ${limit}`;
  return swap - limit;
}

/** cpu.max text from quota and period: quota <= 0 is "max"; a 0 period keeps the kernel's. */
export function cpuMaxText(quota: number, period: number): string | undefined {
  if (quota === 0 && period === 0) return undefined;
  const q = quota > 0 ? intText(quota) : 'max';
  return period !== 0 ? `${q} ${intText(period)}` : q;
}

/**
 * pids.max text. runtime-spec 1.3: a negative limit means no limit ("max"); 0 is a real limit
 * of no new tasks (runc before 1.4 treated 0 as "unset"; the spec now says otherwise).
 */
export function pidsMaxText(limit: number): string {
  return limit < 0 ? 'max' : intText(limit);
}

/** One rdma.max line: "mlx4_0 hca_handle=2 hca_object=2000" (missing parts left out). */
export function rdmaLine(device: string, limits: { hcaHandles?: number; hcaObjects?: number }): string {
  const parts = [device];
  if (limits.hcaHandles !== undefined) parts.push(`hca_handle=${limits.hcaHandles}`);
  if (limits.hcaObjects !== undefined) parts.push(`hca_object=${limits.hcaObjects}`);
  return parts.join(' ');
}
