// BERTH_PROFILE (src/profile.ts): an opt-in phase profile on stderr, and nothing without it.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';

const LINE = /^berth profile:\s+[\d.]+ ms\s+\+\s*[\d.]+\s+cpu \+\s*[\d.]+\s+faults \+\s*\d+\s+(.+)$/;

function phasesOf(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('berth profile:')).map((l) => {
    const m = LINE.exec(l);
    assert.ok(m, `a profile line has the documented form: ${l}`);
    return m![1]!;
  });
}

test('run with BERTH_PROFILE prints every phase of create, start, wait and delete; the exit status is unchanged', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', 'exit 3'];
  const b = makeBundle(spec);
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('profile')], { env: { BERTH_PROFILE: '1' } });
    assert.is(r.status, 3, r.stderr);
    const phases = phasesOf(r.stderr);
    for (const want of ['start-up done (command parsed)', 'config loaded and validated', 'cgroups made and limited', 'child spawned (clone3)', 'state written', 'start: init released, program executed', 'container exited (wait)', 'deleted', 'exit']) {
      assert.ok(phases.includes(want), `phase "${want}" in ${JSON.stringify(phases)}`);
    }
  } finally {
    b.cleanup();
  }
});

test('without BERTH_PROFILE nothing is printed', () => {
  const b = makeBundle();
  try {
    const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId('profile-off')], { env: { BERTH_PROFILE: '' } });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stderr, '');
  } finally {
    b.cleanup();
  }
});

test.run();
