// The drivers' statistics (runc's JSON shape) and freezer logic, on fake cgroup trees: the
// files a kernel would show are written by the test.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statsJson } from '../../src/cgroups/stats/types.js';
import { CgroupV1 } from '../../src/cgroups/v1.js';
import { CgroupV2 } from '../../src/cgroups/v2.js';
import { parseNetDev } from '../../src/container/events.js';
import { fakeCgroupFiles } from '../helpers/cgroups-fake-host.js';

function tree(files: Record<string, string>): { dir: string; done(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-stats-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return { dir, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('v1 stats: cpuacct, cpu.stat, memory with memsw/kmem, pids, blkio, hugetlb, cpuset', () => {
  const t = tree({
    'cpuacct/c/cpuacct.usage': '3000\n',
    'cpuacct/c/cpuacct.usage_percpu': '1000 2000 \n',
    'cpuacct/c/cpuacct.usage_all': 'cpu user system\n0 600 400\n1 1500 500\n',
    'cpuacct/c/cpuacct.stat': 'user 3\nsystem 2\n',
    'cpu/c/cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 500\n',
    'memory/c/memory.usage_in_bytes': '4096\n',
    'memory/c/memory.max_usage_in_bytes': '8192\n',
    'memory/c/memory.limit_in_bytes': '9223372036854771712\n',
    'memory/c/memory.failcnt': '1\n',
    'memory/c/memory.memsw.usage_in_bytes': '5000\n',
    'memory/c/memory.memsw.limit_in_bytes': '9223372036854771712\n',
    'memory/c/memory.memsw.failcnt': '0\n',
    'memory/c/memory.stat': 'cache 100\nrss 200\n',
    'memory/c/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n',
    'pids/c/pids.current': '2\n',
    'pids/c/pids.max': 'max\n',
    'blkio/c/blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\n8:0 Write 0\nTotal 4096\n',
    'blkio/c/blkio.throttle.io_serviced_recursive': '8:0 Read 1\n8:0 Write 0\nTotal 1\n',
    'hugetlb/c/hugetlb.2MB.limit_in_bytes': '0\n',
    'hugetlb/c/hugetlb.2MB.usage_in_bytes': '0\n',
    'hugetlb/c/hugetlb.2MB.failcnt': '4\n',
    'cpuset/c/cpuset.cpus': '0-2,5\n',
    'cpuset/c/cpuset.mems': '0\n',
  });
  try {
    const p = (c: string) => path.join(t.dir, c, 'c');
    const cg = new CgroupV1({ cpu: p('cpu'), cpuacct: p('cpuacct'), memory: p('memory'), pids: p('pids'), blkio: p('blkio'), hugetlb: p('hugetlb'), cpuset: p('cpuset') }, fakeCgroupFiles());
    const s = JSON.parse(statsJson(cg.stats()).replace(/9223372036854771712/g, '"BIG"'));
    assert.equal(s.cpu, {
      usage: { total: 3000, percpu: [1000, 2000], percpu_kernel: [400, 500], percpu_user: [600, 1500], kernel: 20000000, user: 30000000 },
      throttling: { periods: 10, throttled_periods: 2, throttled_time: 500 },
    });
    assert.equal(s.cpuset, { cpus: [0, 1, 2, 5], mems: [0] });
    assert.equal(s.memory.usage, { limit: 'BIG', usage: 4096, max: 8192, failcnt: 1 });
    assert.equal(s.memory.swap, { limit: 'BIG', usage: 5000, failcnt: 0 });
    assert.is(s.memory.cache, 100);
    assert.equal(s.memory.raw, { cache: 100, rss: 200 });
    assert.equal(s.pids, { current: 2 }, 'an unlimited pids.max is left out, as runc does');
    // minor 0 and value 0 are left out: runc's omitempty
    assert.equal(s.blkio, {
      ioServiceBytesRecursive: [{ major: 8, op: 'Read', value: 4096 }, { major: 8, op: 'Write' }],
      ioServicedRecursive: [{ major: 8, op: 'Read', value: 1 }, { major: 8, op: 'Write' }],
    });
    assert.equal(s.hugetlb, { '2MB': { failcnt: 4 } });
    assert.is(cg.oomKills(), 3n);
    assert.match(statsJson(cg.stats()), '"limit":9223372036854771712', 'u64 values are printed exactly');
  } finally {
    t.done();
  }
});

test('v2 stats: cpu.stat in ns, memory + swap as runc reports them, io.stat, pids, hugetlb', () => {
  const t = tree({
    'cpu.stat': 'usage_usec 30\nuser_usec 20\nsystem_usec 10\nnr_periods 4\nnr_throttled 1\nthrottled_usec 7\n',
    'memory.current': '4096\n',
    'memory.max': '1048576\n',
    'memory.peak': '8192\n',
    'memory.events': 'low 0\nhigh 0\nmax 5\noom 1\noom_kill 2\n',
    'memory.swap.current': '100\n',
    'memory.swap.max': '1000\n',
    'memory.stat': 'anon 10\nfile 20\n',
    'pids.current': '3\n',
    'pids.max': '64\n',
    'io.stat': '8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n',
    'hugetlb.2MB.max': 'max\n',
    'hugetlb.2MB.current': '2097152\n',
    'hugetlb.2MB.events': 'max 6\n',
    'hugetlb.2MB.rsvd.max': 'max\n',
  });
  try {
    const cg = new CgroupV2(t.dir, undefined, fakeCgroupFiles());
    const s = JSON.parse(statsJson(cg.stats()));
    assert.equal(s.cpu, { usage: { total: 30000, kernel: 10000, user: 20000 }, throttling: { periods: 4, throttled_periods: 1, throttled_time: 7000 } });
    assert.equal(s.memory.usage, { limit: 1048576, usage: 4096, max: 8192, failcnt: 5 });
    assert.equal(s.memory.swap, { limit: 1049576, usage: 4196, failcnt: 0 });
    assert.is(s.memory.cache, 20);
    assert.equal(s.pids, { current: 3, limit: 64 });
    assert.equal(s.blkio.ioServiceBytesRecursive, [{ major: 8, op: 'Read', value: 10 }, { major: 8, op: 'Write', value: 20 }]);
    assert.equal(s.blkio.ioServicedRecursive, [{ major: 8, op: 'Read', value: 1 }, { major: 8, op: 'Write', value: 2 }]);
    assert.equal(s.hugetlb, { '2MB': { usage: 2097152, failcnt: 6 } });
    assert.is(cg.oomKills(), 2n);
  } finally {
    t.done();
  }
});

test('v2 freeze: writes cgroup.freeze 1 and returns once cgroup.events says frozen 1; thaw writes 0', () => {
  const t = tree({ 'cgroup.freeze': '0\n', 'cgroup.events': 'populated 1\nfrozen 0\n' });
  try {
    const files = fakeCgroupFiles();
    let reads = 0;
    // The kernel reports the freeze a little later: on the third read of cgroup.events.
    const kernel = {
      ...files,
      read(file: string) {
        if (file.endsWith('cgroup.events') && fs.readFileSync(path.join(t.dir, 'cgroup.freeze'), 'utf8') === '1' && ++reads >= 3) return 'populated 1\nfrozen 1\n';
        return files.read(file);
      },
    };
    const cg = new CgroupV2(t.dir, undefined, kernel);
    assert.not.ok(cg.isFrozen());
    cg.freeze(5000);
    assert.ok(reads >= 3, 'waited for the kernel to report the freeze');
    assert.ok(cg.isFrozen());
    cg.thaw();
    assert.not.ok(cg.isFrozen());
    assert.equal(files.log.map(([f, v]) => [path.basename(f), v]), [['cgroup.freeze', '1'], ['cgroup.freeze', '0']]);
  } finally {
    t.done();
  }
});

test('v2 freeze that never settles: bounded wait, thawed again, an error', () => {
  const t = tree({ 'cgroup.freeze': '0\n', 'cgroup.events': 'populated 1\nfrozen 0\n' });
  try {
    const files = fakeCgroupFiles();
    const cg = new CgroupV2(t.dir, undefined, files);
    assert.throws(() => cg.freeze(30), /timeout of 30 ms reached waiting for the cgroup to freeze/);
    assert.equal(files.log.map(([, v]) => v), ['1', '0']);
    assert.not.ok(cg.isFrozen());
  } finally {
    t.done();
  }
});

test('v1 freeze: FROZEN then waits for freezer.state to read FROZEN; no freezer: a clear error', () => {
  const t = tree({ 'freezer/c/freezer.state': 'THAWED\n' });
  try {
    const files = fakeCgroupFiles();
    const cg = new CgroupV1({ freezer: path.join(t.dir, 'freezer/c') }, files);
    cg.freeze(1000);
    assert.ok(cg.isFrozen());
    cg.thaw();
    assert.not.ok(cg.isFrozen());
    assert.equal(files.log.map(([, v]) => v), ['FROZEN', 'THAWED']);
    const none = new CgroupV1({ memory: path.join(t.dir, 'memory/c') }, files);
    assert.throws(() => none.freeze(10), /freezer cgroup controller is not mounted/);
    assert.not.ok(none.isFrozen());
  } finally {
    t.done();
  }
});

test('network interfaces from /proc/<pid>/net/dev, lo left out', () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
  eth0: 1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0
`;
  assert.equal(parseNetDev(text), [{ name: 'eth0', rx_bytes: 1000n, rx_packets: 10n, rx_errors: 1n, rx_dropped: 2n, tx_bytes: 2000n, tx_packets: 20n, tx_errors: 3n, tx_dropped: 4n }]);
});

test.run();
