// What create checks about the container's cgroups on this hybrid host, against real cgroups:
// a pre-frozen cgroup (v1 freezer.state, and cgroup.freeze on the unified hierarchy) is refused
// as runc refuses it instead of hanging; a child that stops answering (frozen meanwhile) is
// killed and everything undone; a cgroup that already has processes gets runc's warning; and
// linux.resources.unified is written where the hybrid host can take it, refused elsewhere.
// Every cgroup a test makes itself is thawed and removed by the test.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, sleepMs, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import { keepingRootControl, pureV2, skipOnPureV2 } from '../helpers/unified-root.js';
import type { Spec } from '../../src/spec/types.js';

const CG = '/sys/fs/cgroup';
// On a pure v2 host (the VM suite's guest) the one hierarchy is /sys/fs/cgroup itself.
const hierarchies = () => (pureV2() ? [''] : fs.readdirSync(CG).filter((h) => fs.existsSync(path.join(CG, h, 'cgroup.procs'))));
/** The hierarchy holding `controller` (v1 name, or "unified"): its own mount, or the only one. */
const hierarchy = (controller: string) => (pureV2() ? CG : path.join(CG, controller));

/** Every directory named `name` right below a hierarchy's root. */
function dirsNamed(name: string): string[] {
  return hierarchies().map((h) => path.join(CG, h, name)).filter((d) => fs.existsSync(d));
}

/** Thaw, empty and remove whatever is left of `name` (the test's own fixtures, and leftovers on failure). */
function removeCgroups(name: string): void {
  for (const dir of dirsNamed(name)) {
    for (const [file, value] of [['freezer.state', 'THAWED'], ['cgroup.freeze', '0']]) {
      if (fs.existsSync(path.join(dir, file))) fs.writeFileSync(path.join(dir, file), value);
    }
    for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (let i = 0; i < 200 && dirsNamed(name).length; i++) {
    for (const dir of dirsNamed(name)) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // still busy
      }
    }
    if (dirsNamed(name).length) sleepMs(10);
  }
  assert.equal(dirsNamed(name), [], `cgroups ${name} removed`);
}

function specIn(name: string, extra: Partial<Spec> = {}): Spec {
  const { linux, ...rest } = extra;
  return minimalSpec({ ...rest, linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }], ...linux, cgroupsPath: `/${name}` } });
}

for (const [where, file, frozen] of [
  ['freezer', 'freezer.state', 'FROZEN'],
  ['unified', 'cgroup.freeze', '1'],
] as const) {
  test(`a cgroup frozen beforehand (${where} ${file}) is refused as runc refuses it; nothing is left, the frozen one is untouched`, () => {
    if (where === 'freezer' && skipOnPureV2()) return;
    const name = uniqueId(`frozen-${where}`);
    const frozenDir = path.join(hierarchy(where), name);
    fs.mkdirSync(frozenDir);
    const b = makeBundle(specIn(name));
    try {
      fs.writeFileSync(path.join(frozenDir, file), frozen);
      // Without the check this hangs (the child is frozen at its first step): bounded here.
      const r = berth(b.root, ['run', '-d', '--bundle', b.dir, name], { timeoutMs: 20_000 });
      assert.is(r.status, 1, `exit status (null: berth hung and was killed): ${r.stderr}`);
      assert.match(r.stderr, "container's cgroup unexpectedly frozen");
      assert.match(r.stderr, path.join(frozenDir, file));
      assert.equal(fs.existsSync(b.root) ? fs.readdirSync(b.root) : [], [], 'no state directory');
      assert.equal(dirsNamed(name), [frozenDir], 'only the cgroup the test made is left');
      assert.is(fs.readFileSync(path.join(frozenDir, file), 'utf8').trim(), frozen, 'still frozen: not berth\'s to thaw');
      assert.equal(fs.readFileSync(path.join(frozenDir, 'cgroup.procs'), 'utf8'), '', 'no process left in it');
    } finally {
      b.cleanup();
      removeCgroups(name);
    }
  });
}

test('a child that stops answering (its cgroup frozen by a hook meanwhile) is killed and everything is undone', () => {
  const name = uniqueId('stuck');
  const freeze = pureV2() ? `echo 1 > ${path.join(CG, name)}/cgroup.freeze` : `echo FROZEN > ${path.join(CG, 'freezer', name)}/freezer.state`;
  const marker = path.join('/tmp', `${name}.poststop`);
  // The createRuntime hook freezes the container's own cgroup (v1 freezer, or v2 cgroup.freeze)
  // while the child waits for the parent: after HooksDone the child never answers again.
  const spec = specIn(name, {
    hooks: {
      createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', freeze] }],
      poststop: [{ path: '/bin/sh', args: ['sh', '-c', `touch ${marker}`] }],
    },
  });
  const b = makeBundle(spec);
  try {
    const started = berth(b.root, ['run', '-d', '--bundle', b.dir, name], { timeoutMs: 20_000, env: { BERTH_CHILD_TIMEOUT: '1' } });
    assert.is(started.status, 1, `exit status (null: berth hung and was killed): ${started.stderr}`);
    assert.match(started.stderr, 'the container process did not answer for 1 s');
    assert.equal(fs.existsSync(b.root) ? fs.readdirSync(b.root) : [], [], 'no state directory');
    assert.equal(dirsNamed(name), [], 'every cgroup removed (so no process is left in them)');
    assert.ok(fs.existsSync(marker), 'poststop ran, as for any failure after the create hooks');
  } finally {
    fs.rmSync(marker, { force: true });
    b.cleanup();
    removeCgroups(name);
  }
});

test('a cgroup that already has processes: runc\'s warning, and the container runs', async () => {
  const name = uniqueId('nonempty');
  const other: ChildProcess = spawn('sleep', ['60'], { stdio: 'ignore' });
  const b = makeBundle(specIn(name));
  try {
    const pidsDir = path.join(hierarchy('pids'), name);
    fs.mkdirSync(pidsDir);
    fs.writeFileSync(path.join(pidsDir, 'cgroup.procs'), String(other.pid));
    const r = berth(b.root, ['run', '--bundle', b.dir, name]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stderr, /level=warning msg="container's cgroup is not empty: 1 process\(es\) found"/);
    const empty = makeBundle(specIn(uniqueId('empty')));
    try {
      const e = berth(empty.root, ['run', '--bundle', empty.dir, uniqueId('empty-run')]);
      assert.is(e.status, 0, e.stderr);
      assert.not.match(e.stderr, 'not empty');
    } finally {
      empty.cleanup();
    }
  } finally {
    other.kill('SIGKILL');
    b.cleanup();
    removeCgroups(name);
  }
});

test('unified on this hybrid host: hugetlb keys are written on the cgroup2 hierarchy, memory.max is refused naming it', async () => {
  if (skipOnPureV2()) return;
  const unified = path.join(CG, 'unified');
  if (!fs.readFileSync(path.join(unified, 'cgroup.controllers'), 'utf8').includes('hugetlb') || !fs.existsSync('/sys/kernel/mm/hugepages/hugepages-2048kB')) {
    console.log('  skipped: no hugetlb controller with 2 MB pages on the cgroup2 hierarchy');
    return;
  }
  await keepingRootControl(unified, () => {
    const name = uniqueId('unified');
    const spec = specIn(name, { linux: { resources: { unified: { 'hugetlb.2MB.max': '4194304' } } } });
    spec.mounts!.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro'] }, { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro'] });
    spec.mounts!.sort((x, y) => x.destination.length - y.destination.length);
    spec.process!.args = ['cat', '/sys/fs/cgroup/unified/hugetlb.2MB.max'];
    const b = makeBundle(spec);
    try {
      const r = berth(b.root, ['run', '--bundle', b.dir, name]);
      assert.is(r.status, 0, r.stderr);
      assert.is(r.stdout, '4194304\n', 'seen from inside the container');
    } finally {
      b.cleanup();
      removeCgroups(name);
    }

    const refused = uniqueId('unified-mem');
    const bad = makeBundle(specIn(refused, { linux: { resources: { unified: { 'hugetlb.2MB.max': '4194304', 'memory.max': '1000000' } } } }));
    try {
      const r = berth(bad.root, ['run', '--bundle', bad.dir, refused]);
      assert.is(r.status, 1);
      assert.match(r.stderr, 'config.json /linux/resources/unified/memory.max: the memory controller is on cgroup v1 on this host');
      assert.equal(fs.existsSync(bad.root) ? fs.readdirSync(bad.root) : [], []);
      assert.equal(dirsNamed(refused), [], 'no cgroup left');
    } finally {
      bad.cleanup();
      removeCgroups(refused);
    }
  });
});

test.run();
