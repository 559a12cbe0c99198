// linux.resources on cgroup v1 (and hybrid hosts): each value goes to its controller's own
// hierarchy, in runc's controller order. A value for a controller that is not mounted is an
// error naming the field (silently dropping a limit would be worse). `unified` names cgroup2
// files: the driver (../v1.ts) hands it to unified-v1.ts, never to this file.

import { ConfigError } from '../../errors.js';
import { intText, pidsMaxText, rdmaLine } from './convert.js';
import { applyV1Devices } from './devices-v1.js';
import { deviceRules, resolveDeviceAccess } from './devices-rules.js';
import { CgroupDir, type CgroupFiles } from './files.js';
import { list, majMin, num, R, str, THROTTLES, type ApplyOptions, type Obj, type ResourceInput } from './input.js';

export function applyV1Resources(paths: Readonly<Record<string, string>>, input: ResourceInput, opts: ApplyOptions, files: CgroupFiles): void {
  const r = input.resources ?? {};
  const dirOf = (controller: string, at: string): CgroupDir => {
    const dir = paths[controller];
    if (!dir) throw new ConfigError(at, `the ${controller} controller is not mounted as cgroup v1 on this host`);
    return new CgroupDir(dir, files);
  };

  const cpu = r.cpu as Obj | undefined;
  for (const k of ['cpus', 'mems']) {
    const v = str(cpu, k);
    if (v) dirOf('cpuset', `${R}/cpu/${k}`).write(`${R}/cpu/${k}`, `cpuset.${k}`, v);
  }

  // Devices are always restricted (the defaults at least); without the controller only an
  // explicit rule list is an error. update (keepDevices) leaves a live container's rules alone.
  if (!opts.keepDevices) {
    if (paths['devices']) applyV1Devices(dirOf('devices', `${R}/devices`), resolveDeviceAccess(deviceRules(r.devices, input.devices)));
    else if (r.devices?.length) dirOf('devices', `${R}/devices`);
  }

  if (r.memory) applyMemory(() => dirOf('memory', `${R}/memory`), r.memory as Obj, opts);
  if (cpu) applyCpu(() => dirOf('cpu', `${R}/cpu`), cpu);

  const pids = num(r.pids as Obj | undefined, 'limit');
  if (pids !== undefined) dirOf('pids', `${R}/pids/limit`).write(`${R}/pids/limit`, 'pids.max', pidsMaxText(pids));

  if (r.blockIO) applyBlkio(() => dirOf('blkio', `${R}/blockIO`), r.blockIO as Obj);

  (r.hugepageLimits ?? []).forEach((h, i) => {
    const at = `${R}/hugepageLimits/${i}`;
    dirOf('hugetlb', at).write(`${at}/limit`, `hugetlb.${h.pageSize}.limit_in_bytes`, intText(h.limit));
  });

  const net = r.network as Obj | undefined;
  const classID = num(net, 'classID');
  if (classID !== undefined) dirOf('net_cls', `${R}/network/classID`).write(`${R}/network/classID`, 'net_cls.classid', String(classID));
  list(net, 'priorities').forEach((p, i) => {
    const at = `${R}/network/priorities/${i}`;
    dirOf('net_prio', at).write(at, 'net_prio.ifpriomap', `${p.name} ${p.priority}`);
  });

  for (const [device, limits] of Object.entries((r.rdma ?? {}) as Record<string, Obj>)) {
    const at = `${R}/rdma/${device}`;
    dirOf('rdma', at).write(at, 'rdma.max', rdmaLine(device, limits as { hcaHandles?: number; hcaObjects?: number }));
  }
}

/** memory.limit_in_bytes and memory.memsw.limit_in_bytes must be written in an order the
 *  kernel accepts: memsw can never be below the memory limit at any moment. */
function applyMemory(dirOf: () => CgroupDir, m: Obj, opts: ApplyOptions): void {
  const at = `${R}/memory`;
  const limit = num(m, 'limit') ?? 0;
  let swap = num(m, 'swap') ?? 0;
  // useHierarchy: always on in kernels since 5.x (writing 0 fails); checkBeforeUpdate only
  // matters when changing a running container's limit. Neither has anything to do at create.
  if (num(m, 'kernel')) opts.warn(`config.json ${at}/kernel: kernels since 5.x no longer limit kernel memory separately; ignored`);
  const touches = ['limit', 'swap', 'reservation', 'kernelTCP', 'swappiness'].some((k) => num(m, k) !== undefined) || m.disableOOMKiller === true;
  if (!touches) return;
  const dir = dirOf();
  // An unlimited memory with no swap given means unlimited swap too (when swap is accounted).
  if (limit === -1 && swap === 0 && dir.has('memory.memsw.limit_in_bytes')) swap = -1;
  const writeLimit = () => dir.write(`${at}/limit`, 'memory.limit_in_bytes', intText(limit));
  const writeSwap = () => dir.write(`${at}/swap`, 'memory.memsw.limit_in_bytes', intText(swap));
  if (limit !== 0 && swap !== 0) {
    const current = dir.read('memory.limit_in_bytes');
    const raising = swap === -1 || (current !== undefined && /^\d+$/.test(current) && BigInt(current) < BigInt(intText(swap)));
    if (raising) {
      writeSwap();
      writeLimit();
    } else {
      writeLimit();
      writeSwap();
    }
  } else {
    if (limit !== 0) writeLimit();
    if (swap !== 0) writeSwap();
  }
  const reservation = num(m, 'reservation');
  if (reservation) dir.write(`${at}/reservation`, 'memory.soft_limit_in_bytes', intText(reservation));
  const kernelTCP = num(m, 'kernelTCP');
  if (kernelTCP) dir.write(`${at}/kernelTCP`, 'memory.kmem.tcp.limit_in_bytes', intText(kernelTCP));
  if (m.disableOOMKiller === true) dir.write(`${at}/disableOOMKiller`, 'memory.oom_control', '1');
  const swappiness = num(m, 'swappiness');
  if (swappiness !== undefined) {
    if (swappiness > 100) throw new ConfigError(`${at}/swappiness`, `${swappiness} is above 100`);
    dir.write(`${at}/swappiness`, 'memory.swappiness', String(swappiness));
  }
}

function applyCpu(dirOf: () => CgroupDir, c: Obj): void {
  const at = `${R}/cpu`;
  const shares = num(c, 'shares');
  const quota = num(c, 'quota') ?? 0;
  const period = num(c, 'period') ?? 0;
  const burst = num(c, 'burst');
  const idle = num(c, 'idle');
  const rtPeriod = num(c, 'realtimePeriod') ?? 0;
  const rtRuntime = num(c, 'realtimeRuntime') ?? 0;
  if (!shares && !quota && !period && burst === undefined && idle === undefined && !rtPeriod && !rtRuntime) return;
  const dir = dirOf();
  if (shares) {
    dir.write(`${at}/shares`, 'cpu.shares', intText(shares));
    // The kernel clamps out-of-range shares instead of failing: say so rather than run with
    // a weight nobody asked for.
    const got = dir.read('cpu.shares');
    if (got !== undefined && got !== intText(shares)) {
      throw new ConfigError(`${at}/shares`, `${shares} is out of range: the kernel took it as ${got}`);
    }
  }
  // A shorter period can be refused while the old quota/period ratio exceeds the parent's;
  // then it goes in again after the quota.
  let periodLater = false;
  if (period) {
    try {
      dir.write(`${at}/period`, 'cpu.cfs_period_us', intText(period));
    } catch (err) {
      if (!quota || !String((err as Error).message).includes('EINVAL')) throw err;
      periodLater = true;
    }
  }
  if (quota) dir.write(`${at}/quota`, 'cpu.cfs_quota_us', intText(quota < 0 ? -1 : quota));
  if (periodLater) dir.write(`${at}/period`, 'cpu.cfs_period_us', intText(period));
  if (burst !== undefined) dir.write(`${at}/burst`, 'cpu.cfs_burst_us', intText(burst));
  if (idle !== undefined) dir.write(`${at}/idle`, 'cpu.idle', String(idle));
  // The runtime must fit inside the period, so the period goes first.
  if (rtPeriod) dir.write(`${at}/realtimePeriod`, 'cpu.rt_period_us', intText(rtPeriod));
  if (rtRuntime) dir.write(`${at}/realtimeRuntime`, 'cpu.rt_runtime_us', intText(rtRuntime));
}

function applyBlkio(dirOf: () => CgroupDir, io: Obj): void {
  const at = `${R}/blockIO`;
  const weight = num(io, 'weight');
  const leafWeight = num(io, 'leafWeight');
  const weights = list(io, 'weightDevice');
  const any = weight || leafWeight || weights.length || THROTTLES.some((t) => list(io, t.key).length);
  if (!any) return;
  const dir = dirOf();
  // Kernels with the BFQ scheduler and without CFQ name the weight files blkio.bfq.*.
  const bfq = !dir.has('blkio.weight') && dir.has('blkio.bfq.weight');
  if (weight) dir.write(`${at}/weight`, bfq ? 'blkio.bfq.weight' : 'blkio.weight', String(weight));
  if (leafWeight) dir.write(`${at}/leafWeight`, 'blkio.leaf_weight', String(leafWeight));
  weights.forEach((d, i) => {
    const w = num(d, 'weight');
    const lw = num(d, 'leafWeight');
    if (w !== undefined) dir.write(`${at}/weightDevice/${i}/weight`, bfq ? 'blkio.bfq.weight_device' : 'blkio.weight_device', `${majMin(d)} ${w}`);
    if (lw !== undefined) dir.write(`${at}/weightDevice/${i}/leafWeight`, 'blkio.leaf_weight_device', `${majMin(d)} ${lw}`);
  });
  for (const t of THROTTLES) {
    list(io, t.key).forEach((d, i) => {
      dir.write(`${at}/${t.key}/${i}`, t.v1, `${majMin(d)} ${intText(num(d, 'rate') ?? 0)}`);
    });
  }
}
