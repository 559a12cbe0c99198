// The config.json files containerd, Docker and podman really write (the project's fixtures in
// test/fixtures/engine-configs) run under berth: their mounts, masked paths, seccomp
// profiles, capabilities and cgroup mounts. Bind sources from the recording machine are
// replaced by local files, hooks dropped (they name binaries of that machine).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, repoRoot, uniqueId } from '../helpers/berth.js';
import type { Spec } from '../../src/spec/types.js';

const contract = path.join(repoRoot, 'test/fixtures/engine-configs');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-engine-'));
fs.mkdirSync(path.join(scratch, 'dir'));
fs.writeFileSync(path.join(scratch, 'file'), 'x\n');

for (const name of ['docker-run-d', 'ctr-run-d', 'podman-run']) {
  test(`${name}.config.json runs`, () => {
    const spec = JSON.parse(fs.readFileSync(path.join(contract, `${name}.config.json`), 'utf8')) as Spec;
    delete spec.hooks;
    spec.process!.terminal = false;
    spec.process!.args = ['sh', '-c', 'echo up; grep CapEff /proc/self/status; grep ^Seccomp: /proc/self/status'];
    const id = uniqueId(name);
    spec.linux!.cgroupsPath = `/berth-test-engines/${id}`;
    for (const m of spec.mounts ?? []) {
      if (m.type === 'bind' || m.options?.some((o) => o === 'bind' || o === 'rbind')) {
        m.source = path.join(scratch, m.destination.endsWith('shm') ? 'dir' : 'file');
      }
    }
    const b = makeBundle(spec);
    try {
      const r = berth(b.root, ['run', '--bundle', b.dir, id]);
      assert.is(r.status, 0, r.stderr);
      assert.match(r.stdout, 'up');
      if (spec.linux?.seccomp) assert.match(r.stdout, /Seccomp:\s+2/);
    } finally {
      b.cleanup();
    }
  });
}

test.after(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
  // The driver removes only each container's own cgroup (as runc): the parent is ours to tidy.
  for (const ctl of fs.readdirSync('/sys/fs/cgroup')) {
    try {
      fs.rmdirSync(`/sys/fs/cgroup/${ctl}/berth-test-engines`);
    } catch {
      // not in this hierarchy
    }
  }
});

test.run();
