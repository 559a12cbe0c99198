// Configs as engines write them, which runc takes: rootfsPropagation's recursive words
// (containerd's CRI sends rslave and rshared), and sysctls that repeat a dedicated field
// (Docker sends kernel.domainname); and the one such combination that must be refused: a
// sysctl that disagrees with its field.

import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import type { Spec } from '../../src/spec/types.js';

function run(spec: Spec, script: string, tag: string) {
  spec.process!.args = ['sh', '-c', script];
  const b = makeBundle(spec);
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId(tag)]);
    return { ...r, leftovers: fs.existsSync(b.root) ? fs.readdirSync(b.root) : [] };
  } finally {
    b.cleanup();
  }
}

test('a sysctl that disagrees with /domainname or /hostname is refused, naming both; agreeing ones run', () => {
  const conflicting = minimalSpec({ domainname: 'field.test', linux: { namespaces: [{ type: 'mount' }, { type: 'uts' }], sysctl: { 'kernel.domainname': 'sysctl.test' } } });
  const r = run(conflicting, 'cat /proc/sys/kernel/domainname', 'sysctl-conflict');
  assert.is(r.status, 1, r.stdout);
  assert.match(r.stderr, 'config.json /linux/sysctl/kernel.domainname: \\"sysctl.test\\" disagrees with /domainname \\"field.test\\"');
  assert.equal(r.leftovers, []);

  const host = minimalSpec({ hostname: 'field', linux: { namespaces: [{ type: 'mount' }, { type: 'uts' }], sysctl: { 'kernel.hostname': 'sysctl' } } });
  const h = run(host, 'hostname', 'sysctl-host-conflict');
  assert.is(h.status, 1, h.stdout);
  assert.match(h.stderr, '/linux/sysctl/kernel.hostname: \\"sysctl\\" disagrees with /hostname \\"field\\"');

  const agreeing = minimalSpec({ hostname: 'same', domainname: 'same.test', linux: { namespaces: [{ type: 'mount' }, { type: 'uts' }], sysctl: { 'kernel.domainname': 'same.test', 'kernel.hostname': 'same' } } });
  const a = run(agreeing, 'hostname; cat /proc/sys/kernel/domainname', 'sysctl-agree');
  assert.is(a.status, 0, a.stderr);
  assert.is(a.stdout, 'same\nsame.test\n');

  // Docker's --domainname: the sysctl alone.
  const docker = minimalSpec({ linux: { namespaces: [{ type: 'mount' }, { type: 'uts' }], sysctl: { 'kernel.domainname': 'docker.test' } } });
  const d = run(docker, 'cat /proc/sys/kernel/domainname', 'sysctl-docker');
  assert.is(d.status, 0, d.stderr);
  assert.is(d.stdout, 'docker.test\n');
});

test.run();
