// Bad input: a clear message naming the problem, a non-zero exit, and nothing left behind
// (no state directory, cgroup, mount or process).

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, hostMounts, makeBundle, uniqueId } from '../helpers/berth.js';
import { cgroupDirsNamed } from '../helpers/leftovers.js';
import { minimalSpec } from '../helpers/specs.js';
import type { Spec } from '../../src/spec/types.js';

/** create must fail with `pattern` on stderr and leave nothing behind. */
function createFails(spec: Spec | string, pattern: RegExp | string, opts: { ownRootfs?: boolean; id?: string } = {}) {
  const b = makeBundle(typeof spec === 'string' ? minimalSpec() : spec, opts);
  if (typeof spec === 'string') fs.writeFileSync(path.join(b.dir, 'config.json'), spec);
  const id = opts.id ?? uniqueId('bad');
  const mountsBefore = hostMounts().split('\n').length;
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0, 'create must fail');
    assert.match(r.stderr, pattern);
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'no state directory left');
    assert.equal(cgroupDirsNamed(id), [], 'no cgroup left');
    assert.is(hostMounts().split('\n').length, mountsBefore, 'no mount left');
    assert.is(berth(b.root, ['list', '-q']).stdout.trim(), '');
  } finally {
    b.cleanup();
  }
}

test('malformed JSON names the position', () => {
  createFails('{"ociVersion": "1.3.0",', /config\.json.*(JSON|position|line)/i);
});

test('a schema violation names the JSON path', () => {
  const spec = minimalSpec();
  (spec.process as unknown as Record<string, unknown>).cwd = 42;
  createFails(spec, '/process/cwd');
});

test('a relative cwd is refused with its path', () => {
  const spec = minimalSpec();
  spec.process!.cwd = 'relative';
  createFails(spec, '/process/cwd');
});

test('a missing bundle is named', () => {
  const r = berth('/run/berth-test/none', ['create', '--bundle', '/nonexistent/bundle', uniqueId('nobundle')]);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, '/nonexistent/bundle');
});

test('a missing rootfs is named', () => {
  const spec = minimalSpec();
  const b = makeBundle(spec);
  const cfg = JSON.parse(fs.readFileSync(path.join(b.dir, 'config.json'), 'utf8'));
  cfg.root.path = 'no-such-rootfs';
  fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(cfg));
  try {
    const r = berth(b.root, ['create', '--bundle', b.dir, uniqueId('norootfs')]);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, 'no-such-rootfs');
  } finally {
    b.cleanup();
  }
});

test('an executable that is not in the rootfs is reported by create', () => {
  const spec = minimalSpec();
  spec.process!.args = ['no-such-program'];
  createFails(spec, 'executable file not found');
});

test('an invalid id is refused before anything is made', () => {
  for (const id of ['../escape', 'a/b', '..']) {
    const b = makeBundle();
    try {
      const r = berth(b.root, ['create', '--bundle', b.dir, id]);
      assert.is.not(r.status, 0, id);
      assert.not.ok(fs.existsSync(path.resolve(b.root, id, 'state.json')));
    } finally {
      b.cleanup();
    }
  }
});

test('an unknown signal is an error and the container keeps running', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('sig');
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    const r = berth(b.root, ['kill', id, 'SIGNOPE']);
    assert.is.not(r.status, 0);
    assert.match(r.stderr, /signal/i);
    assert.is(JSON.parse(berth(b.root, ['state', id]).stdout).status, 'created');
  } finally {
    b.cleanup();
  }
});

test('exec --process and update --resources: a document nested past the cap is refused naming the file, leaving nothing', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('deep');
  const deep = (inner: string) => `{${inner}${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    const st = JSON.parse(fs.readFileSync(path.join(b.root, id, 'state.json'), 'utf8'));
    const memory = st.cgroup.paths['memory'] as string;
    const procs = () => fs.readFileSync(path.join(memory, 'cgroup.procs'), 'utf8').trim();
    const limit = () => fs.readFileSync(path.join(memory, 'memory.limit_in_bytes'), 'utf8');
    const stateFiles = () => fs.readdirSync(path.join(b.root, id)).sort();
    const [procsBefore, limitBefore, filesBefore] = [procs(), limit(), stateFiles()];

    const file = path.join(b.dir, 'process.json');
    fs.writeFileSync(file, deep('"args":["true"],"env":'));
    const exec = berth(b.root, ['exec', '--process', file, id]);
    assert.is.not(exec.status, 0, 'exec must fail');
    assert.match(exec.stderr, `--process ${file}: is not usable JSON: line 1, column `);
    assert.match(exec.stderr, 'containers are nested more than 1000 levels deep');

    const update = berth(b.root, ['update', '-r', '-', id], { input: deep('"memory":{"limit":67108864},"x":') });
    assert.is.not(update.status, 0, 'update must fail');
    assert.match(update.stderr, '--resources -: is not usable JSON: line 1, column ');

    assert.is(procs(), procsBefore, 'no process left in the container');
    assert.is(limit(), limitBefore, 'no limit written');
    assert.equal(stateFiles(), filesBefore, 'nothing added to the state directory');
    assert.is(JSON.parse(berth(b.root, ['state', id]).stdout).status, 'created');
  } finally {
    b.cleanup();
  }
});

test('a failing prestart hook fails create and leaves nothing', () => {
  createFails(minimalSpec({ hooks: { prestart: [{ path: '/bin/sh', args: ['sh', '-c', 'echo nope >&2; exit 7'] }] } }), /prestart.*7/);
});

test('a failing createContainer hook fails create and leaves nothing', () => {
  createFails(minimalSpec({ hooks: { createContainer: [{ path: '/bin/false' }] } }), /createContainer/);
});

test('a mount that cannot be made names the config entry', () => {
  const spec = minimalSpec();
  spec.mounts = [...(spec.mounts ?? []), { destination: '/x', type: 'nosuchfs', source: 'none' }];
  createFails(spec, '/mounts/1');
});

test('a configured device whose path holds something else fails create; the same device already there is fine', () => {
  const spec = minimalSpec({ linux: { ...minimalSpec().linux, devices: [{ path: '/srv/dev-here', type: 'c', major: 1, minor: 3 }] } });
  const b = makeBundle(spec, { ownRootfs: true });
  const file = path.join(b.dir, 'rootfs/srv/dev-here');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, 'not a device');
    const id = uniqueId('devmismatch');
    const r = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(r.status, 0, 'create must fail');
    assert.match(r.stderr, '/linux/devices/0');
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'no state directory left');
    assert.is(fs.readFileSync(file, 'utf8'), 'not a device', 'the file is left as it was');
    fs.rmSync(file);
    const ok = berth(b.root, ['run', '--bundle', b.dir, uniqueId('devmatch')]);
    assert.is(ok.status, 0, ok.stderr); // mknod made it
    const again = berth(b.root, ['run', '--bundle', b.dir, uniqueId('devmatch')]);
    assert.is(again.status, 0, again.stderr); // the node from the first run is the same device
  } finally {
    b.cleanup();
  }
});

test.run();

test('cgroup resources this host cannot apply are refused with their path, leaving nothing', () => {
  const unified = minimalSpec();
  unified.linux!.resources = { unified: { 'memory.max': '1' } };
  createFails(unified, '/linux/resources/unified');
  if (!fs.existsSync('/sys/fs/cgroup/hugetlb')) {
    const huge = minimalSpec();
    huge.linux!.resources = { hugepageLimits: [{ pageSize: '2MB', limit: 2 << 20 }] };
    createFails(huge, /config\.json \/linux\/resources\/hugepageLimits\/0: the hugetlb controller is not mounted/);
  }
  const noAccess = minimalSpec();
  noAccess.linux!.resources = { devices: [{ allow: false }] };
  createFails(noAccess, '/linux/resources/devices/0/access');
  const kernelRefuses = minimalSpec();
  kernelRefuses.linux!.resources = { cpu: { cpus: '4095' } };
  createFails(kernelRefuses, /config\.json \/linux\/resources\/cpu\/cpus: cannot write .*4095.*cpuset\.cpus/);
});
