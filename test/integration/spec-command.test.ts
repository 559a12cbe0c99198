// `berth spec` against `runc spec` on this machine: the same document but for ociVersion and
// hostname (docs/cli.md), with and without --rootless; and a bundle built the way runc's and
// crun's own suites build theirs (spec, then adjust) runs under berth.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, rootfs, uniqueId } from '../helpers/berth.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0;

function specIn(dir: string, runtime: 'runc' | 'berth', extra: string[] = []): Record<string, unknown> {
  fs.mkdirSync(dir, { recursive: true });
  const r = runtime === 'runc' ? spawnSync('runc', ['spec', '--bundle', dir, ...extra], { encoding: 'utf8' }) : berth('/run/berth-test/none', ['spec', '--bundle', dir, ...extra]);
  assert.is(r.status, 0, `${runtime} spec: ${r.stderr}`);
  return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
}

test('berth spec and runc spec write the same config, but for ociVersion and hostname', () => {
  if (!hasRunc) {
    console.log('  skipped: runc is not installed, nothing to compare with');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-spec-'));
  try {
    for (const flags of [[], ['--rootless']]) {
      const label = flags.join(' ') || '(no flags)';
      const theirs = specIn(path.join(tmp, `runc${label}`), 'runc', flags);
      const ours = specIn(path.join(tmp, `berth${label}`), 'berth', flags);
      assert.is(ours.ociVersion, '1.3.0');
      assert.is(ours.hostname, 'berth');
      // Member order too: JSON.stringify keeps it.
      assert.is(JSON.stringify({ ...ours, ociVersion: theirs.ociVersion, hostname: theirs.hostname }), JSON.stringify(theirs), label);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a bundle made with berth spec and adjusted as runc\'s suite does runs (cgroup namespace added, no duplicate)', () => {
  const b = makeBundle();
  const dir = path.join(b.dir, 'spec');
  try {
    const cfg = specIn(dir, 'berth') as { process: Record<string, unknown>; root: Record<string, unknown>; linux: { namespaces: { type: string }[] } };
    cfg.root.path = rootfs();
    cfg.process.terminal = false;
    cfg.process.args = ['sh', '-c', 'hostname; readlink /proc/self/ns/cgroup'];
    cfg.linux.namespaces.push({ type: 'cgroup' });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
    const r = berth(b.root, ['run', '--bundle', dir, uniqueId('spec-run')]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /^berth\ncgroup:\[\d+\]\n$/);
    assert.not.match(r.stderr, /level=error/);
  } finally {
    b.cleanup();
  }
});

test.run();
