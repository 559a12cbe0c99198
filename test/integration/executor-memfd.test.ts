// The process a container can see while berth sets it up (exec's forked process; a created
// init waiting for start) runs berth's executor from a sealed memfd (native/src/executor.c,
// docs/ARCHITECTURE.md "Threat model: a container overwriting berth"): its /proc/PID/exe, as a
// privileged container sees it, is that memfd with every seal, cannot be opened for writing
// while it runs (ETXTBSY), and once it no longer runs a handle kept to it opens for writing
// but every write fails (F_SEAL_WRITE: EPERM). The attacker is cve-helpers/sealcheck.c.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, uniqueId } from '../helpers/berth.js';
import { allCapabilities, attackFromContainer, compileStatic, provokeExec } from '../helpers/cve.js';
import { minimalSpec } from '../helpers/specs.js';

// F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE
const ALL_SEALS = 1 | 2 | 4 | 8;
// Opened while the process runs it: no open for writing. A sighting may race the process's
// execve of the container's program (the memfd no longer runs): the open then succeeds and
// the write is refused.
const SEALED = new RegExp(`^saw \\d+ exe=/memfd:berth-executor \\(deleted\\) seals=${ALL_SEALS} (wropen=ETXTBSY write=-|wropen=ok write=EPERM)$`);
const SEALED_RUNNING = new RegExp(`^saw \\d+ exe=/memfd:berth-executor \\(deleted\\) seals=${ALL_SEALS} wropen=ETXTBSY write=-$`);

test("exec's visible process runs from a sealed memfd that cannot be written", () => {
  const log = attackFromContainer('memfd-exec', ['/shared/sealcheck', '/shared'], provokeExec, [compileStatic('sealcheck')]);
  const seen = log.split('\n').filter((l) => l.startsWith('saw '));
  for (const line of seen) assert.match(line, SEALED, log);
  // berth had exited: the kept handle opens for writing, and the write is refused.
  assert.match(log, new RegExp(`^kept exe=/memfd:berth-executor \\(deleted\\) seals=${ALL_SEALS} wropen=ok write=EPERM$`, 'm'), log);
});

test('a created init waiting for start runs from the sealed memfd too (seen from berth exec)', () => {
  const caps = allCapabilities();
  const spec = minimalSpec();
  spec.process!.args = ['true'];
  spec.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
  const b = makeBundle(spec);
  const shared = path.join(b.dir, 'shared');
  fs.mkdirSync(shared);
  fs.copyFileSync(compileStatic('sealcheck'), path.join(shared, 'sealcheck'));
  fs.chmodSync(path.join(shared, 'sealcheck'), 0o755);
  const config = JSON.parse(fs.readFileSync(path.join(b.dir, 'config.json'), 'utf8'));
  config.mounts.push({ destination: '/shared', type: 'bind', source: shared, options: ['rbind', 'ro'] });
  fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(config));
  const id = uniqueId('memfd-created');
  try {
    const c = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is(c.status, 0, c.stderr);
    const e = berth(b.root, ['exec', id, '/shared/sealcheck', '/shared', '1']);
    assert.is(e.status, 0, e.stderr + e.stdout);
    assert.match(e.stdout.trim(), SEALED_RUNNING);
  } finally {
    berth(b.root, ['delete', '--force', id]);
    b.cleanup();
  }
});

test.run();
