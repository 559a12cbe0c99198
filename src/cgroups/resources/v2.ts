// linux.resources on cgroup v2: the spec's v1-shaped values converted (convert.ts) into the
// unified hierarchy's files, then `unified` written as given, last, so it can override a
// converted value. Every file is checked against the controllers the container's cgroup really
// has before anything is written, so a config asking for a missing controller fails with the
// field named instead of half-applied. Devices become an eBPF program (devices-bpf.ts).

import { ConfigError } from '../../errors.js';
import { pointer } from '../../spec/json-pointer.js';
import { blkioWeightToIoWeight, cpuMaxText, cpuSharesToWeight, intText, pidsMaxText, rdmaLine, swapToV2, v2LimitText } from './convert.js';
import { deviceProgram, encodeProgram } from './devices-bpf.js';
import { deviceRules, resolveDeviceAccess } from './devices-rules.js';
import { CgroupDir, type CgroupFiles } from './files.js';
import { list, majMin, num, R, str, THROTTLES, type ApplyOptions, type Obj, type ResourceInput } from './input.js';

export interface V2Write {
  file: string;
  value: string;
  at: string;
}

/** The file writes the config asks for, in order; `dir` is only read (BFQ detection). */
export function v2Writes(input: ResourceInput, dir: CgroupDir, warn: (msg: string) => void): V2Write[] {
  const r = input.resources ?? {};
  const out: V2Write[] = [];
  const put = (at: string, file: string, value: string) => out.push({ at, file, value });
  const ignored = (at: string, why: string) => warn(`config.json ${at}: ${why} on cgroup v2; ignored`);

  const cpu = r.cpu as Obj | undefined;
  if (cpu) {
    const at = `${R}/cpu`;
    const shares = num(cpu, 'shares');
    if (shares) put(`${at}/shares`, 'cpu.weight', String(cpuSharesToWeight(shares)));
    const idle = num(cpu, 'idle');
    if (idle !== undefined) put(`${at}/idle`, 'cpu.idle', String(idle));
    const max = cpuMaxText(num(cpu, 'quota') ?? 0, num(cpu, 'period') ?? 0);
    if (max) put(num(cpu, 'quota') ? `${at}/quota` : `${at}/period`, 'cpu.max', max);
    const burst = num(cpu, 'burst');
    if (burst !== undefined) put(`${at}/burst`, 'cpu.max.burst', intText(burst));
    for (const k of ['realtimePeriod', 'realtimeRuntime']) {
      if (num(cpu, k)) throw new ConfigError(`${at}/${k}`, 'cgroup v2 has no realtime CPU limits');
    }
    for (const k of ['cpus', 'mems']) {
      const v = str(cpu, k);
      if (v) put(`${at}/${k}`, `cpuset.${k}`, v);
    }
  }

  const m = r.memory as Obj | undefined;
  if (m) {
    const at = `${R}/memory`;
    const limit = num(m, 'limit') ?? 0;
    const swap = num(m, 'swap') ?? 0;
    const converted = swapToV2(swap, limit);
    if (typeof converted === 'string') throw new ConfigError(`${at}/swap`, converted);
    // swap equal to limit means no swap at all: "0", which v2LimitText would read as "unset".
    const swapText = converted === 0 && swap > 0 ? '0' : v2LimitText(converted);
    if (swapText !== undefined) put(`${at}/swap`, 'memory.swap.max', swapText);
    const max = v2LimitText(limit);
    if (max !== undefined) put(`${at}/limit`, 'memory.max', max);
    const low = v2LimitText(num(m, 'reservation'));
    if (low !== undefined) put(`${at}/reservation`, 'memory.low', low);
    if (num(m, 'kernel')) ignored(`${at}/kernel`, 'kernel memory has no separate limit');
    if (num(m, 'kernelTCP')) ignored(`${at}/kernelTCP`, 'kernel TCP memory has no separate limit');
    if (num(m, 'swappiness') !== undefined) ignored(`${at}/swappiness`, 'there is no per-cgroup swappiness');
    if (m.disableOOMKiller === true) ignored(`${at}/disableOOMKiller`, 'the OOM killer cannot be disabled per cgroup');
  }

  const pids = num(r.pids as Obj | undefined, 'limit');
  if (pids !== undefined) put(`${R}/pids/limit`, 'pids.max', pidsMaxText(pids));

  const io = r.blockIO as Obj | undefined;
  if (io) {
    const at = `${R}/blockIO`;
    // With BFQ the weights go to io.bfq.weight unconverted (same 1..1000 scale as blkio);
    // without it io.weight takes the converted value and per-device weights cannot be given.
    const bfq = dir.has('io.bfq.weight');
    const weight = num(io, 'weight');
    if (weight) put(`${at}/weight`, bfq ? 'io.bfq.weight' : 'io.weight', String(bfq ? weight : blkioWeightToIoWeight(weight)));
    if (num(io, 'leafWeight')) ignored(`${at}/leafWeight`, 'there are no leaf weights');
    list(io, 'weightDevice').forEach((d, i) => {
      const w = num(d, 'weight');
      if (w === undefined) return;
      if (!bfq) throw new ConfigError(`${at}/weightDevice/${i}`, 'per-device weights need the BFQ I/O scheduler (io.bfq.weight), which this cgroup does not have');
      put(`${at}/weightDevice/${i}/weight`, 'io.bfq.weight', `${majMin(d)} ${w}`);
    });
    for (const t of THROTTLES) {
      list(io, t.key).forEach((d, i) => put(`${at}/${t.key}/${i}`, 'io.max', `${majMin(d)} ${t.v2}=${intText(num(d, 'rate') ?? 0)}`));
    }
  }

  (r.hugepageLimits ?? []).forEach((h, i) => put(`${R}/hugepageLimits/${i}/limit`, `hugetlb.${h.pageSize}.max`, intText(h.limit)));

  const net = r.network as Obj | undefined;
  if (num(net, 'classID') !== undefined || list(net, 'priorities').length) ignored(`${R}/network`, 'net_cls and net_prio do not exist');

  for (const [device, limits] of Object.entries((r.rdma ?? {}) as Record<string, Obj>)) {
    put(pointer('linux', 'resources', 'rdma', device), 'rdma.max', rdmaLine(device, limits as { hcaHandles?: number; hcaObjects?: number }));
  }

  for (const [key, value] of Object.entries(r.unified ?? {})) put(pointer('linux', 'resources', 'unified', key), key, value);
  return out;
}

/** "memory.max" -> "memory"; the cgroup core's own files need no controller. */
function controllerOf(file: string): string | undefined {
  const c = file.split('.')[0]!;
  return c === 'cgroup' ? undefined : c;
}

export function applyV2Resources(cgroupDir: string, input: ResourceInput, opts: ApplyOptions, files: CgroupFiles): void {
  const dir = new CgroupDir(cgroupDir, files);
  const writes = v2Writes(input, dir, opts.warn);
  const available = new Set((dir.read('cgroup.controllers') ?? '').split(/\s+/).filter(Boolean));
  for (const w of writes) {
    const c = controllerOf(w.file);
    if (c && !available.has(c)) {
      throw new ConfigError(w.at, `needs the ${c} controller (${w.file}), which the cgroup ${cgroupDir} does not have (it has: ${[...available].join(' ') || 'none'})`);
    }
    // A unified key is a file name the kernel must know; checked before anything is written.
    if (w.at.startsWith(`${R}/unified/`) && !dir.has(w.file)) {
      throw new ConfigError(w.at, `${dir.file(w.file)} does not exist`);
    }
  }
  for (const w of writes) dir.write(w.at, w.file, w.value);
  if (!opts.keepDevices) applyV2Devices(cgroupDir, input, opts);
}

/** Always installed, as the defaults restrict even a config without device rules. */
function applyV2Devices(cgroupDir: string, input: ResourceInput, opts: ApplyOptions): void {
  const access = resolveDeviceAccess(deviceRules(input.resources?.devices, input.devices));
  if (!opts.attachDeviceProgram) {
    throw new ConfigError(`${R}/devices`, 'cannot restrict devices on cgroup v2: no way to attach a device program here');
  }
  opts.attachDeviceProgram(cgroupDir, encodeProgram(deviceProgram(access)));
}
