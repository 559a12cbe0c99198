// `events`: statistics in runc's JSON (cgroups/stats/) plus the init's network interfaces,
// and "oom" events. OOM kills are seen through the memory controller's own counter
// (memory.oom_control "oom_kill" on v1, memory.events "oom_kill" on v2), read every
// OOM_POLL_MS: a counter cannot miss a kill that happened between two reads, and it needs no
// eventfd (runc's v1 way) nor inotify. The stream ends when the container stops.

import { nodeFs } from '../sys/node-fs.js';
import { cgroupManagerFromRecord, type CgroupManager } from '../cgroups/index.js';
import { statsJson, type NetworkInterface } from '../cgroups/stats/types.js';
import { BerthError } from '../errors.js';
import { StateStore } from '../state/store.js';
import type { StoredState } from '../state/types.js';
import { statusOf } from './status.js';

/** How often the OOM counter and the init's liveness are checked while streaming. */
const OOM_POLL_MS = 100;

/** /proc/<pid>/net/dev: the interfaces of the init's network namespace, lo left out (runc lists none it did not configure). */
export function parseNetDev(text: string): NetworkInterface[] {
  const out: NetworkInterface[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map((v) => BigInt(v));
    if (name === 'lo' || f.length < 16) continue;
    out.push({
      name,
      rx_bytes: f[0]!, rx_packets: f[1]!, rx_errors: f[2]!, rx_dropped: f[3]!,
      tx_bytes: f[8]!, tx_packets: f[9]!, tx_errors: f[10]!, tx_dropped: f[11]!,
    });
  }
  return out;
}

/** null, as runc prints it, when there is nothing of the container's own to show. */
function networkInterfaces(st: StoredState): NetworkInterface[] | null {
  // Without a network namespace of its own the init sees the host's interfaces: not the
  // container's, so none are reported (runc reports only interfaces it configured).
  if (!st.namespaces?.some((ns) => ns.type === 'network')) return null;
  const pid = st.pid;
  try {
    const list = parseNetDev(nodeFs().readFileSync(`/proc/${pid}/net/dev`, 'utf8'));
    return list.length ? list : null;
  } catch {
    return null;
  }
}

interface Running {
  store: StateStore;
  st: StoredState;
  cgroup: CgroupManager;
}

function running(root: string, id: string): Running {
  const store = new StateStore(root);
  const st = store.read(id);
  if (statusOf(store, st) === 'stopped') throw new BerthError(`container with id ${id} is not running`);
  return { store, st, cgroup: cgroupManagerFromRecord(st.cgroup) };
}

function statsLine(r: Running): string {
  const data = { ...r.cgroup.stats(), intel_rdt: {}, network_interfaces: networkInterfaces(r.st) };
  return statsJson({ type: 'stats', id: r.st.id, data });
}

export function statsEvent(root: string, id: string): string {
  return statsLine(running(root, id));
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

export async function streamEvents(root: string, id: string, intervalMs: number, emit: (line: string) => void, error: (msg: string) => void): Promise<void> {
  const r = running(root, id);
  let ooms = r.cgroup.oomKills() ?? 0n;
  let nextStats = Date.now();
  for (;;) {
    const now = Date.now();
    if (now >= nextStats) {
      try {
        emit(statsLine(r));
      } catch (err) {
        error(`cannot read the stats of container ${id}: ${(err as Error).message}`); // as runc: logged, the stream goes on
      }
      nextStats = now + intervalMs;
    }
    const count = r.cgroup.oomKills();
    for (; count !== undefined && ooms < count; ooms++) emit(JSON.stringify({ type: 'oom', id }));
    if (statusOf(r.store, r.st) === 'stopped') return;
    await sleep(Math.max(1, Math.min(OOM_POLL_MS, nextStats - Date.now())));
  }
}
