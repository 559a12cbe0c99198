// Configs as engines write them, which runc takes: rootfsPropagation's recursive words
// (containerd's CRI sends rslave and rshared), and sysctls that repeat a dedicated field
// (Docker sends kernel.domainname); and the one such combination that must be refused: a
// sysctl that disagrees with its field.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, rootfs, uniqueId } from '../helpers/berth.js';
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

/** The container's own / line of mountinfo, for each rootfsPropagation, with the rootfs on a shared host mount. */
function rootLines(values: string[]): Map<string, { line: string; stderr: string }> {
  // A shared tmpfs holding a copy of the rootfs, so a slave or a peer of it is visible inside.
  const host = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-prop-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', host]);
  const out = new Map<string, { line: string; stderr: string }>();
  try {
    execFileSync('mount', ['--make-shared', host]);
    execFileSync('cp', ['-a', rootfs(), path.join(host, 'rootfs')]);
    for (const value of values) {
      const spec = minimalSpec({ root: { path: path.join(host, 'rootfs') }, linux: { namespaces: [{ type: 'mount' }, { type: 'pid' }, { type: 'uts' }], rootfsPropagation: value } });
      spec.process!.args = ['sh', '-c', 'awk \'$5 == "/"\' /proc/self/mountinfo'];
      const b = makeBundle(spec);
      try {
        // makeBundle points root.path at the shared rootfs: put ours back.
        const cfg = JSON.parse(fs.readFileSync(path.join(b.dir, 'config.json'), 'utf8'));
        cfg.root.path = path.join(host, 'rootfs');
        fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(cfg));
        const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId(`prop-${value}`)]);
        assert.is(r.status, 0, `${value}: ${r.stderr}`);
        out.set(value, { line: r.stdout, stderr: r.stderr });
      } finally {
        b.cleanup();
      }
    }
  } finally {
    execFileSync('umount', ['-l', host]);
    fs.rmSync(host, { recursive: true, force: true });
  }
  return out;
}

test('rootfsPropagation rslave, rshared, rprivate, runbindable run, with a warning, and take effect', () => {
  const lines = rootLines(['rslave', 'rshared', 'rprivate', 'runbindable']);
  for (const [value, { stderr }] of lines) {
    assert.match(stderr, `level=warning msg="config.json /linux/rootfsPropagation: \\"${value}\\" is not one of the values runtime-spec lists`);
    assert.is(stderr.split('/linux/rootfsPropagation').length - 1, 1, `${value}: warned once`);
  }
  assert.match(lines.get('rslave')!.line, / master:\d+ /, 'a slave of the host\'s shared mount');
  assert.not.match(lines.get('rslave')!.line, / shared:/);
  assert.match(lines.get('rshared')!.line, / shared:\d+ /);
  assert.not.match(lines.get('rprivate')!.line, / (shared|master):/);
  assert.match(lines.get('runbindable')!.line, / unbindable /);
});

test.run();
