// linux.resources.unified on cgroup v1 hosts: on a hybrid host, keys of the controllers the
// cgroup2 hierarchy holds are written to the container's cgroup there (its ancestors delegating
// them first); any other key is refused naming it, before anything is written. A pure v1 host
// has no cgroup2 files at all.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCgroupManager } from '../../src/cgroups/build.js';
import { ConfigError } from '../../src/errors.js';
import type { Resources } from '../../src/spec/types.js';
import { fakeCgroupFiles, withFakeHost, type Layout } from '../helpers/cgroups-fake-host.js';

const quiet = { warn: () => undefined };

function hostWith(layout: Layout, resources: Resources, body: (apply: () => void, log: [string, string][], fsRoot: string) => void): void {
  withFakeHost(layout, ({ fsRoot, proc }) => {
    const files = fakeCgroupFiles();
    if (layout === 'hybrid') {
      fs.writeFileSync(path.join(fsRoot, 'unified/cgroup.controllers'), 'hugetlb\n');
      fs.writeFileSync(path.join(fsRoot, 'unified/cgroup.subtree_control'), '');
    }
    const cg = buildCgroupManager({ id: 'c', cgroupsPath: '/berth/c', fsRoot, files }, proc);
    cg.create();
    if (layout === 'hybrid') {
      // What the kernel shows once hugetlb is delegated: its files in the container's cgroup.
      fs.writeFileSync(path.join(fsRoot, 'unified/berth/c/hugetlb.2MB.max'), 'max');
      fs.writeFileSync(path.join(fsRoot, 'unified/berth/c/cgroup.max.depth'), 'max');
    }
    files.log.length = 0;
    body(() => cg.applyResources({ resources }, quiet), files.log, fsRoot);
  });
}

function errorOf(apply: () => void): ConfigError {
  try {
    apply();
  } catch (e) {
    assert.instance(e, ConfigError);
    return e as ConfigError;
  }
  throw new Error('no error');
}

test('hybrid: hugetlb and cgroup core keys go to the unified hierarchy, after hugetlb is delegated', () => {
  hostWith('hybrid', { memory: { limit: 1 << 20 }, unified: { 'hugetlb.2MB.max': '4194304', 'cgroup.max.depth': '3' } }, (apply, log, fsRoot) => {
    apply();
    const u = path.join(fsRoot, 'unified');
    assert.is(fs.readFileSync(path.join(u, 'berth/c/hugetlb.2MB.max'), 'utf8'), '4194304');
    assert.is(fs.readFileSync(path.join(u, 'berth/c/cgroup.max.depth'), 'utf8'), '3');
    assert.is(fs.readFileSync(path.join(u, 'cgroup.subtree_control'), 'utf8'), 'hugetlb');
    assert.is(fs.readFileSync(path.join(u, 'berth/cgroup.subtree_control'), 'utf8'), 'hugetlb');
    assert.is(fs.readFileSync(path.join(fsRoot, 'memory/berth/c/memory.limit_in_bytes'), 'utf8'), String(1 << 20), 'v1 values still go to v1');
    assert.ok(log.findIndex(([f]) => f.endsWith('memory.limit_in_bytes')) < log.findIndex(([f]) => f.endsWith('hugetlb.2MB.max')));
  });
});

test('hybrid: a key of a v1 controller is refused naming it, before anything is written', () => {
  hostWith('hybrid', { memory: { limit: 1 << 20 }, unified: { 'hugetlb.2MB.max': '4194304', 'memory.max': '1000000' } }, (apply, log) => {
    const e = errorOf(apply);
    assert.is(e.jsonPath, '/linux/resources/unified/memory.max');
    assert.match(e.message, 'the memory controller is on cgroup v1 on this host');
    assert.match(e.message, '(which has: hugetlb)');
    assert.equal(log, [], 'nothing was written');
  });
});

test('hybrid: a key whose file the kernel does not have is refused naming it', () => {
  hostWith('hybrid', { unified: { 'hugetlb.3MB.max': '1' } }, (apply, log) => {
    const e = errorOf(apply);
    assert.is(e.jsonPath, '/linux/resources/unified/hugetlb.3MB.max');
    assert.match(e.message, 'does not exist');
    assert.not.ok(log.some(([f]) => f.endsWith('hugetlb.3MB.max')));
  });
});

test('pure v1: every unified key is refused, naming the first', () => {
  hostWith('v1', { unified: { 'hugetlb.2MB.max': '1' } }, (apply, log) => {
    const e = errorOf(apply);
    assert.is(e.jsonPath, '/linux/resources/unified/hugetlb.2MB.max');
    assert.match(e.message, 'only cgroup v1 hierarchies');
    assert.equal(log, []);
  });
});

test('no unified keys: nothing is delegated on the hybrid hierarchy', () => {
  hostWith('hybrid', { memory: { limit: 1 << 20 } }, (apply, log) => {
    apply();
    assert.not.ok(log.some(([f]) => f.includes('/unified/')));
  });
});

test.run();
