// What engines do to a running container besides the lifecycle: ps, pause/resume, update,
// events, all through dist/berth on real containers, with the effect checked in the cgroup
// files and the process table. Plus the v2 freezer on the real cgroup2 mount. The files are
// the host's: v1 hierarchies here (hybrid), the container's one cgroup2 directory on a pure v2
// host (the VM suite's guest runs this file too).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cgroupManagerFor } from '../../src/cgroups/index.js';
import { berth, berthBin, makeBundle, sleepMs, stateOf, uniqueId, type Bundle } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import { keepingRootControl, pureV2, V2_MOUNT } from '../helpers/unified-root.js';

const V2 = pureV2();
/** The container's file of a controller: in that controller's v1 hierarchy, or its v2 cgroup. */
const cgFile = (paths: Record<string, string>, controller: string, file: string) => path.join(V2 ? paths['']! : paths[controller]!, file);
const MiB = (n: number) => String(n * 2 ** 20);

function sleeper(tag: string): { b: Bundle; id: string; pid: number; paths: Record<string, string> } {
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '1000'];
  const b = makeBundle(spec);
  const id = uniqueId(tag);
  const r = berth(b.root, ['run', '-d', '--bundle', b.dir, id]);
  assert.is(r.status, 0, r.stderr);
  const st = JSON.parse(fs.readFileSync(path.join(b.root, id, 'state.json'), 'utf8'));
  return { b, id, pid: stateOf(b.root, id).pid, paths: st.cgroup.paths };
}

const read = (file: string) => fs.readFileSync(file, 'utf8').trim();
const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));

test('ps: the host ps table reduced to the container, json pids, ps arguments after the id', () => {
  const c = sleeper('ps');
  try {
    const table = berth(c.b.root, ['ps', c.id]);
    assert.is(table.status, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^UID\s+PID\s+PPID/);
    assert.is(lines.length, 2, table.stdout);
    assert.match(lines[1]!, new RegExp(`^\\S+\\s+${c.pid}\\s.*sleep 1000$`));
    assert.is(berth(c.b.root, ['ps', '--format', 'json', c.id]).stdout, `[${c.pid}]\n`);
    const custom = berth(c.b.root, ['ps', c.id, '-o', 'pid,comm']);
    assert.equal(custom.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s+/)), [['PID', 'COMMAND'], [String(c.pid), 'sleep']]);
    const noPid = berth(c.b.root, ['ps', c.id, '-o', 'comm']);
    assert.is(noPid.status, 1);
    assert.match(noPid.stderr, "couldn't find PID field in ps output");
    const fmt = berth(c.b.root, ['ps', '-f', 'x', c.id]);
    assert.is(fmt.status, 1);
    assert.match(fmt.stderr, 'invalid format option');
    assert.is(berth(c.b.root, ['kill', c.id, 'KILL']).status, 0);
    for (let i = 0; i < 200 && alive(c.pid); i++) sleepMs(10);
    const gone = berth(c.b.root, ['ps', '-f', 'json', c.id]);
    assert.is(gone.stdout, 'null\n', 'no processes: null, as runc prints');
    assert.match(berth(c.b.root, ['ps', 'berth-t-nope']).stderr, 'does not exist');
  } finally {
    c.b.cleanup();
  }
});

test('pause / resume: the freezer, status paused in state and list, runc\'s refusals', () => {
  const c = sleeper('pause');
  try {
    // v1: freezer.state FROZEN/THAWED; v2: cgroup.freeze 1/0, and cgroup.events says frozen.
    const freezer = cgFile(c.paths, 'freezer', V2 ? 'cgroup.freeze' : 'freezer.state');
    const [FROZEN, THAWED] = V2 ? ['1', '0'] : ['FROZEN', 'THAWED'];
    const again = berth(c.b.root, ['resume', c.id]);
    assert.is(again.status, 1);
    assert.match(again.stderr, 'container not paused');
    assert.is(berth(c.b.root, ['pause', c.id]).status, 0);
    assert.is(read(freezer), FROZEN);
    if (V2) assert.match(read(cgFile(c.paths, '', 'cgroup.events')), /^frozen 1$/m);
    assert.match(fs.readFileSync(`/proc/${c.pid}/stat`, 'utf8'), /\) [DS] /, 'the sleeper is stopped in the freezer');
    assert.is(stateOf(c.b.root, c.id).status, 'paused');
    assert.match(berth(c.b.root, ['list']).stdout, new RegExp(`${c.id}\\s+${c.pid}\\s+paused`));
    const twice = berth(c.b.root, ['pause', c.id]);
    assert.is(twice.status, 1);
    assert.match(twice.stderr, 'container not running');
    const del = berth(c.b.root, ['delete', c.id]);
    assert.is(del.status, 1);
    assert.match(del.stderr, `cannot delete container ${c.id} that is not stopped: paused`);
    assert.is(berth(c.b.root, ['resume', c.id]).status, 0);
    assert.is(read(freezer), THAWED);
    if (V2) assert.match(read(cgFile(c.paths, '', 'cgroup.events')), /^frozen 0$/m);
    assert.is(stateOf(c.b.root, c.id).status, 'running');
    assert.match(berth(c.b.root, ['pause', 'berth-t-nope']).stderr, 'does not exist');
  } finally {
    c.b.cleanup();
  }
  // A created container can be paused too; start then refuses, resume brings back "created".
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '1000'];
  const created = makeBundle(spec);
  try {
    const id = uniqueId('pause-created');
    assert.is(berth(created.root, ['create', '--bundle', created.dir, id]).status, 0);
    assert.is(berth(created.root, ['pause', id]).status, 0);
    assert.is(stateOf(created.root, id).status, 'paused');
    const start = berth(created.root, ['start', id]);
    assert.is(start.status, 1);
    assert.match(start.stderr, 'cannot start a container in the paused state');
    assert.is(berth(created.root, ['resume', id]).status, 0);
    assert.is(stateOf(created.root, id).status, 'created');
  } finally {
    created.cleanup();
  }
  const stopped = sleeper('pause-stopped');
  try {
    berth(stopped.b.root, ['kill', stopped.id, 'KILL']);
    for (let i = 0; i < 200 && alive(stopped.pid); i++) sleepMs(10);
    const r = berth(stopped.b.root, ['pause', stopped.id]);
    assert.is(r.status, 1);
    assert.match(r.stderr, 'container not running');
  } finally {
    stopped.b.cleanup();
  }
});

function pausedThen(how: 'kill' | 'delete'): void {
  {
    const c = sleeper(`paused-${how}`);
    try {
      assert.is(berth(c.b.root, ['pause', c.id]).status, 0);
      if (how === 'kill') {
        assert.is(berth(c.b.root, ['kill', c.id, 'KILL']).status, 0);
        for (let i = 0; i < 300 && alive(c.pid); i++) sleepMs(10);
        assert.not.ok(alive(c.pid), 'SIGKILL landed on the frozen init');
        assert.is(stateOf(c.b.root, c.id).status, 'stopped');
        assert.is(berth(c.b.root, ['delete', c.id]).status, 0);
      } else {
        const r = berth(c.b.root, ['delete', '--force', c.id]);
        assert.is(r.status, 0, r.stderr);
      }
      assert.not.ok(alive(c.pid));
      assert.not.ok(fs.existsSync(path.join(c.b.root, c.id)), 'state directory removed');
      for (const dir of new Set(Object.values(c.paths))) assert.not.ok(fs.existsSync(dir), `cgroup ${dir} removed`);
    } finally {
      c.b.cleanup();
    }
  }
}

test('kill KILL of a paused container ends it; delete then leaves nothing behind', () => pausedThen('kill'));
test('delete --force of a paused container leaves nothing behind', () => pausedThen('delete'));

test('update on cgroup v1: every runc flag reaches its file, and is recorded', () => {
  if (V2) {
    console.log('  skipped: cgroup v1 files, and this host is pure cgroup v2 (the v2 test below covers update)');
    return;
  }
  const c = sleeper('update');
  try {
    const p = c.paths;
    const r = berth(c.b.root, ['update',
      '--memory', '100m', '--memory-swap', '200m', '--memory-reservation', '50m', '--pids-limit', '33',
      '--cpu-share', '512', '--cpu-period', '200000', '--cpu-quota', '50000', '--cpu-rt-period', '1000000', '--cpu-rt-runtime', '1000',
      '--cpuset-cpus', '0', '--cpuset-mems', '0', '--blkio-weight', '300', c.id]);
    assert.is(r.status, 0, r.stderr);
    assert.is(read(path.join(p['memory']!, 'memory.limit_in_bytes')), String(100 * 2 ** 20));
    assert.is(read(path.join(p['memory']!, 'memory.memsw.limit_in_bytes')), String(200 * 2 ** 20));
    assert.is(read(path.join(p['memory']!, 'memory.soft_limit_in_bytes')), String(50 * 2 ** 20));
    assert.is(read(path.join(p['pids']!, 'pids.max')), '33');
    assert.is(read(path.join(p['cpu']!, 'cpu.shares')), '512');
    assert.is(read(path.join(p['cpu']!, 'cpu.cfs_period_us')), '200000');
    assert.is(read(path.join(p['cpu']!, 'cpu.cfs_quota_us')), '50000');
    assert.is(read(path.join(p['cpu']!, 'cpu.rt_period_us')), '1000000');
    assert.is(read(path.join(p['cpu']!, 'cpu.rt_runtime_us')), '1000');
    assert.is(read(path.join(p['cpuset']!, 'cpuset.cpus')), '0');
    assert.is(read(path.join(p['cpuset']!, 'cpuset.mems')), '0');
    const weight = ['blkio.weight', 'blkio.bfq.weight'].map((f) => path.join(p['blkio']!, f)).find((f) => fs.existsSync(f))!;
    assert.match(read(weight), /^(default )?300$/);
    const recorded = JSON.parse(fs.readFileSync(path.join(c.b.root, c.id, 'resources.json'), 'utf8'));
    assert.equal(recorded.memory, { limit: 100 * 2 ** 20, swap: 200 * 2 ** 20, reservation: 50 * 2 ** 20 });
    assert.is(recorded.cpu.quota, 50000);

    // A quota alone keeps the period; memory raised above the old memsw with swap raised too
    // (memsw first), then lowered below the old memory (memory first).
    assert.is(berth(c.b.root, ['update', '--cpu-quota', '20000', c.id]).status, 0);
    assert.is(read(path.join(p['cpu']!, 'cpu.cfs_period_us')), '200000');
    assert.is(read(path.join(p['cpu']!, 'cpu.cfs_quota_us')), '20000');
    assert.is(berth(c.b.root, ['update', '--memory', '300m', '--memory-swap', '400m', c.id]).status, 0);
    assert.is(read(path.join(p['memory']!, 'memory.limit_in_bytes')), String(300 * 2 ** 20));
    assert.is(read(path.join(p['memory']!, 'memory.memsw.limit_in_bytes')), String(400 * 2 ** 20));
    assert.is(berth(c.b.root, ['update', '--memory', '20m', '--memory-swap', '30m', c.id]).status, 0);
    assert.is(read(path.join(p['memory']!, 'memory.limit_in_bytes')), String(20 * 2 ** 20));
    assert.is(read(path.join(p['memory']!, 'memory.memsw.limit_in_bytes')), String(30 * 2 ** 20));

    // Engines: docker update sends linux.resources JSON on stdin.
    const docker = { memory: { limit: 134217728, reservation: 0, swap: 268435456, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 } };
    const viaStdin = berth(c.b.root, ['update', '--resources', '-', c.id], { input: JSON.stringify(docker) });
    assert.is(viaStdin.status, 0, viaStdin.stderr);
    assert.is(read(path.join(p['memory']!, 'memory.limit_in_bytes')), '134217728');
    assert.is(read(path.join(p['memory']!, 'memory.memsw.limit_in_bytes')), '268435456');
    assert.is(read(path.join(p['cpu']!, 'cpu.shares')), '512', '0 leaves a value alone');
  } finally {
    c.b.cleanup();
  }
});

test('update on cgroup v2: each flag converted into its unified file (swap alone in memory.swap.max), and recorded', () => {
  if (!V2) {
    console.log('  skipped: this host is not pure cgroup v2 (its controllers are on v1); the VM suite runs this');
    return;
  }
  const c = sleeper('update-v2');
  try {
    const f = (file: string) => read(cgFile(c.paths, '', file));
    const r = berth(c.b.root, ['update',
      '--memory', '100m', '--memory-swap', '200m', '--memory-reservation', '50m', '--pids-limit', '33',
      '--cpu-share', '512', '--cpu-period', '200000', '--cpu-quota', '50000',
      '--cpuset-cpus', '0', '--cpuset-mems', '0', '--blkio-weight', '300', c.id]);
    assert.is(r.status, 0, r.stderr);
    assert.is(f('memory.max'), MiB(100));
    // runc's conversion: the OCI/v1 value is memory+swap, v2's memory.swap.max is swap alone.
    assert.is(f('memory.swap.max'), MiB(100));
    assert.is(f('memory.low'), MiB(50));
    assert.is(f('pids.max'), '33');
    assert.is(f('cpu.weight'), '20', 'shares 512 -> weight 1 + (512-2)*9999/262142');
    assert.is(f('cpu.max'), '50000 200000');
    assert.is(f('cpuset.cpus'), '0');
    assert.is(f('cpuset.mems'), '0');
    // BFQ takes the blkio weight as it is; without it io.weight takes 1 + (300-10)*9999/990.
    const bfq = fs.existsSync(cgFile(c.paths, '', 'io.bfq.weight'));
    assert.match(f(bfq ? 'io.bfq.weight' : 'io.weight'), bfq ? /^(default )?300$/ : /^(default )?2930$/);
    const recorded = JSON.parse(fs.readFileSync(path.join(c.b.root, c.id, 'resources.json'), 'utf8'));
    assert.equal(recorded.memory, { limit: 100 * 2 ** 20, swap: 200 * 2 ** 20, reservation: 50 * 2 ** 20 });

    // A quota alone keeps the period. Memory and memory+swap raised, then lowered: swap.max
    // follows the difference each time; -1 is unlimited swap; memory+swap equal to memory is no
    // swap at all ("0", not "leave alone").
    assert.is(berth(c.b.root, ['update', '--cpu-quota', '20000', c.id]).status, 0);
    assert.is(f('cpu.max'), '20000 200000');
    assert.is(berth(c.b.root, ['update', '--memory', '300m', '--memory-swap', '400m', c.id]).status, 0);
    assert.equal([f('memory.max'), f('memory.swap.max')], [MiB(300), MiB(100)]);
    assert.is(berth(c.b.root, ['update', '--memory', '20m', '--memory-swap', '30m', c.id]).status, 0);
    assert.equal([f('memory.max'), f('memory.swap.max')], [MiB(20), MiB(10)]);
    assert.is(berth(c.b.root, ['update', '--memory-swap', '-1', c.id]).status, 0);
    assert.equal([f('memory.max'), f('memory.swap.max')], [MiB(20), 'max']);
    assert.is(berth(c.b.root, ['update', '--memory', '40m', '--memory-swap', '40m', c.id]).status, 0);
    assert.equal([f('memory.max'), f('memory.swap.max')], [MiB(40), '0']);
    // Only --memory: merged over the recorded memory+swap (40m), which is now below it: refused
    // as runc refuses it, before anything is written.
    const below = berth(c.b.root, ['update', '--memory', '80m', c.id]);
    assert.is(below.status, 1);
    assert.match(below.stderr, `cannot update container ${c.id}: /memory/swap: the memory+swap limit ${MiB(40)} is below the memory limit ${MiB(80)}`);
    assert.equal([f('memory.max'), f('memory.swap.max')], [MiB(40), '0']);
    // cgroup v2 has no realtime CPU limits: refused, naming the field.
    const rt = berth(c.b.root, ['update', '--cpu-rt-period', '1000000', '--cpu-rt-runtime', '1000', c.id]);
    assert.is(rt.status, 1);
    assert.match(rt.stderr, 'cgroup v2 has no realtime CPU limits');

    // Engines: docker update sends linux.resources JSON on stdin.
    const docker = { memory: { limit: 134217728, reservation: 0, swap: 268435456, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 } };
    const viaStdin = berth(c.b.root, ['update', '--resources', '-', c.id], { input: JSON.stringify(docker) });
    assert.is(viaStdin.status, 0, viaStdin.stderr);
    assert.equal([f('memory.max'), f('memory.swap.max')], ['134217728', '134217728']);
    assert.is(f('cpu.weight'), '20', '0 leaves a value alone');
  } finally {
    c.b.cleanup();
  }
});

test('update refusals: bad values, Intel RDT, a failed write undone, a stopped container; nothing changes', () => {
  const c = sleeper('update-bad');
  try {
    const p = c.paths;
    const files = V2
      ? ['memory.max', 'memory.swap.max', 'cpuset.cpus', 'cpuset.mems', 'pids.max', 'cpu.weight'].map((f) => cgFile(p, '', f))
      : [path.join(p['memory']!, 'memory.limit_in_bytes'), path.join(p['cpuset']!, 'cpuset.cpus'), path.join(p['pids']!, 'pids.max'), path.join(p['cpu']!, 'cpu.shares')];
    // On v2 cpuset.cpus starts empty (inherited); Linux 6.1 refuses to empty it again while the
    // cgroup has tasks (ENOSPC), so an undo could not restore that: give it a value first.
    assert.is(berth(c.b.root, ['update', '--memory', '100m', '--memory-swap', '100m', ...(V2 ? ['--cpuset-cpus', '0'] : []), c.id]).status, 0);
    const before = files.map(read);
    const cases: [string[], string][] = [
      [['--memory', '1zz'], "invalid value for memory: invalid size: '1zz'"],
      [['--cpu-share', 'abc', '--pids-limit', '5'], 'invalid value for cpu-share: strconv.ParseUint: parsing \\"abc\\": invalid syntax'],
      [['--pids-limit', 'x'], 'invalid value \\"x\\" for flag -pids-limit'],
      [['--pids-limit', '5', '--l3-cache-schema', 'L3:0=f'], 'Intel RDT is not supported'],
      [['--mem-bw-schema', 'MB:0=50'], 'Intel RDT is not supported'],
      // cpuset.cpus is written first and succeeds, then the kernel refuses the next write (v1:
      // memory above memsw; v2: a memory node that does not exist): cpuset.cpus is put back.
      V2
        ? [['--cpuset-cpus', '1', '--cpuset-mems', '7'], `cannot update container ${c.id}: /cpu/mems: cannot write`]
        : [['--cpuset-cpus', '1', '--memory', '300m'], `cannot update container ${c.id}: /memory/limit: cannot write`],
      [['--resources', '/nonexistent/r.json'], '--resources /nonexistent/r.json: ENOENT'],
    ];
    for (const [args, message] of cases) {
      const r = berth(c.b.root, ['update', ...args, c.id]);
      assert.is(r.status, 1, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(files.map(read), before, `nothing changed after ${args.join(' ')}`);
    }
    const badJson = berth(c.b.root, ['update', '-r', '-', c.id], { input: '{"memory":{"limit":"1g"}}' });
    assert.is(badJson.status, 1);
    assert.match(badJson.stderr, '/memory/limit: not an integer');

    // A paused container can be updated and stays paused.
    assert.is(berth(c.b.root, ['pause', c.id]).status, 0);
    assert.is(berth(c.b.root, ['update', '--pids-limit', '44', c.id]).status, 0);
    assert.is(read(cgFile(p, 'pids', 'pids.max')), '44');
    assert.is(stateOf(c.b.root, c.id).status, 'paused');
    assert.is(berth(c.b.root, ['resume', c.id]).status, 0);

    berth(c.b.root, ['kill', c.id, 'KILL']);
    for (let i = 0; i < 200 && alive(c.pid); i++) sleepMs(10);
    const stopped = berth(c.b.root, ['update', '--pids-limit', '5', c.id]);
    assert.is(stopped.status, 1);
    assert.match(stopped.stderr, 'container not running');
  } finally {
    c.b.cleanup();
  }
});

test('events --stats: one stats line in runc\'s shape; a stopped container is refused', () => {
  const c = sleeper('events');
  try {
    assert.is(berth(c.b.root, ['update', '--memory', '64m', '--pids-limit', '20', c.id]).status, 0);
    const r = berth(c.b.root, ['events', '--stats', c.id]);
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.is(lines.length, 1);
    const ev = JSON.parse(lines[0]!);
    assert.is(ev.type, 'stats');
    assert.is(ev.id, c.id);
    assert.equal(Object.keys(ev.data), ['cpu', 'cpuset', 'memory', 'pids', 'blkio', 'hugetlb', 'intel_rdt', 'network_interfaces']);
    assert.equal(ev.data.pids, { current: 1, limit: 20 });
    assert.is(ev.data.memory.usage.limit, 64 * 2 ** 20);
    assert.ok(ev.data.memory.usage.usage > 0);
    assert.ok(ev.data.cpu.usage.total > 0);
    assert.is(ev.data.network_interfaces, null, 'no network namespace of its own: the host\'s interfaces are not reported');
    const bad = berth(c.b.root, ['events', '--interval', '0.5', c.id]);
    assert.is(bad.status, 1);
    assert.match(bad.stderr, 'invalid value \\"0.5\\" for flag -interval: parse error');
    assert.match(berth(c.b.root, ['events', '--interval', '0s', c.id]).stderr, 'duration interval must be greater than 0');
    berth(c.b.root, ['kill', c.id, 'KILL']);
    for (let i = 0; i < 200 && alive(c.pid); i++) sleepMs(10);
    const stopped = berth(c.b.root, ['events', '--stats', c.id]);
    assert.is(stopped.status, 1);
    assert.match(stopped.stderr, `container with id ${c.id} is not running`);
  } finally {
    c.b.cleanup();
  }
});

function collect(child: ChildProcess): Promise<{ out: string; code: number | null }> {
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return new Promise((res) => child.once('exit', (code) => res({ out, code })));
}

test('events: a stats line every interval, an oom event when the OOM killer strikes, the end with the container', async () => {
  const spec = minimalSpec();
  // Wait for the events stream, then fill memory past the limit in one process the OOM killer
  // ends: dd's 64 MB buffer, filled by one read. (A pipeline of several growing processes can
  // lose two of them to the OOM killer, and each kill is an event.)
  spec.process!.args = ['sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.05; done; dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; sleep 0.5'];
  spec.linux!.resources = { memory: { limit: 16 * 2 ** 20, swap: 16 * 2 ** 20 } };
  const b = makeBundle(spec);
  const id = uniqueId('events-oom');
  try {
    assert.is(berth(b.root, ['run', '-d', '--bundle', b.dir, id]).status, 0);
    const events = spawn(berthBin, ['--root', b.root, 'events', '--interval', '100ms', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    const done = collect(events);
    sleepMs(300);
    const pid = stateOf(b.root, id).pid;
    fs.writeFileSync(`/proc/${pid}/root/tmp/go`, '');
    const { out, code } = await done; // ends by itself once the container stops
    assert.is(code, 0);
    const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.filter((e) => e.type === 'stats').length >= 2, 'stats every interval');
    assert.ok(lines.every((e) => e.id === id));
    assert.equal(lines.filter((e) => e.type === 'oom'), [{ type: 'oom', id }]);
  } finally {
    b.cleanup();
  }
});

test('v2 freezer on the real cgroup2 mount: a process in a child cgroup is frozen and thawed', async () => keepingRootControl(V2_MOUNT, async () => {
  const name = `berth-it-freeze-${process.pid}`;
  const cg = cgroupManagerFor({ id: name, cgroupsPath: `/${name}`, fsRoot: V2_MOUNT });
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const dir = path.join(V2_MOUNT, name);
  try {
    assert.is(cg.version, 2);
    cg.create();
    cg.addProcess(child.pid!);
    assert.not.ok(cg.isFrozen());
    cg.freeze();
    assert.ok(cg.isFrozen());
    assert.match(read(path.join(dir, 'cgroup.events')), /^frozen 1$/m);
    const stat = spawnSync('cat', [`/proc/${child.pid}/stat`], { encoding: 'utf8' }).stdout;
    assert.match(stat, /\) [ST] /, 'the process is stopped');
    cg.thaw();
    assert.not.ok(cg.isFrozen());
    assert.match(read(path.join(dir, 'cgroup.events')), /^frozen 0$/m);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
    cg.destroy();
  }
}));

test.run();
