// The command line as engines and people use it: logs, help, spec, features, run's options.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, berthBin, makeBundle, sleepMs, stateOf, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import { schemaValidators } from '../../src/spec/validate.js';

test('--log with --log-format json: errors are JSON lines with level, msg, time; stderr has the bare message, as runc', () => {
  const b = makeBundle();
  const log = path.join(b.dir, 'log.json');
  try {
    const r = berth(b.root, ['--log', log, '--log-format', 'json', 'state', 'berth-t-missing']);
    assert.is(r.status, 1);
    assert.is(r.stderr, 'container berth-t-missing does not exist\n');
    const last = JSON.parse(fs.readFileSync(log, 'utf8').trim().split('\n').at(-1)!);
    assert.is(last.level, 'error');
    assert.match(last.msg, 'does not exist');
    assert.ok(!Number.isNaN(Date.parse(last.time)));
  } finally {
    b.cleanup();
  }
});

test('--log during create: the error is in the log and, as one bare line, on stderr (runc does the same)', () => {
  const b = makeBundle(minimalSpec({ process: undefined, linux: { namespaces: [{ type: 'pid' }, { type: 'bogus' as never }] } }));
  const log = path.join(b.dir, 'log.txt');
  try {
    const r = berth(b.root, ['--log', log, 'create', '--bundle', b.dir, uniqueId('log-create')]);
    assert.is(r.status, 1);
    const lines = r.stderr.trimEnd().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^config\.json \/linux\/namespaces\/1/);
    assert.ok(fs.readFileSync(log, 'utf8').includes(`level=error msg=${JSON.stringify(lines[0])}`));
  } finally {
    b.cleanup();
  }
});

test('--version, global and per-command --help', () => {
  const v = berth('/run/berth-test/none', ['--version']);
  assert.match(v.stdout, /^berth version \d+\.\d+\.\d+\ncommit: \S+\nspec: 1\.3\.0\n$/);
  for (const cmd of ['create', 'start', 'run', 'state', 'list', 'kill', 'delete', 'spec', 'features', 'ps', 'pause', 'resume', 'update', 'events']) {
    const h = berth('/run/berth-test/none', [cmd, '--help']);
    assert.is(h.status, 0, cmd);
    assert.match(h.stdout, `berth ${cmd}`);
  }
  assert.match(berth('/run/berth-test/none', ['--help']).stdout, 'commands:');
  const unknown = berth('/run/berth-test/none', ['frobnicate']);
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, 'frobnicate');
});

test('spec writes a valid default config.json and never overwrites one', () => {
  const b = makeBundle();
  const dir = path.join(b.dir, 'new');
  fs.mkdirSync(dir);
  try {
    assert.is(berth(b.root, ['spec', '--bundle', dir]).status, 0);
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    assert.ok(schemaValidators.validateConfig(cfg));
    assert.is(cfg.ociVersion, '1.3.0');
    const again = berth(b.root, ['spec', '-b', dir]);
    assert.is(again.status, 1);
    assert.match(again.stderr, 'exists');
  } finally {
    b.cleanup();
  }
});

test('features is a valid features document', () => {
  const r = berth('/run/berth-test/none', ['features']);
  const doc = JSON.parse(r.stdout);
  assert.ok(schemaValidators.validateFeatures(doc));
  assert.is(doc.ociVersionMax, '1.3.0');
  assert.ok(doc.linux.namespaces.includes('time'));
});

test('run --detach returns with the container running; --keep keeps a stopped one', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '600'];
  const b = makeBundle(spec);
  const id = uniqueId('detach');
  try {
    const r = berth(b.root, ['run', '-d', '--bundle', b.dir, id]);
    assert.is(r.status, 0, r.stderr);
    assert.is(stateOf(b.root, id).status, 'running');
    const kept = makeBundle(minimalSpec());
    const kid = uniqueId('keep');
    try {
      assert.is(berth(kept.root, ['run', '--keep', '--bundle', kept.dir, kid]).status, 0);
      assert.is(stateOf(kept.root, kid).status, 'stopped');
    } finally {
      kept.cleanup();
    }
  } finally {
    b.cleanup();
  }
});

test('run forwards signals to the container and exits 128+N when it dies of one', async () => {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', 'trap "echo got TERM; exit 7" TERM; echo ready; while true; do sleep 0.1; done'];
  const b = makeBundle(spec);
  try {
    const child = spawn(berthBin, ['--root', b.root, 'run', '--bundle', b.dir, uniqueId('fwd')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    for (let i = 0; i < 200 && !out.includes('ready'); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.match(out, 'got TERM');
    assert.is(code, 7);

    // Without a pid namespace the shell is not an init, so it can die of its own SIGKILL.
    const spec2 = minimalSpec({ linux: { namespaces: [{ type: 'mount' }, { type: 'uts' }] } });
    spec2.process!.args = ['sh', '-c', 'kill -KILL $$'];
    const b2 = makeBundle(spec2);
    try {
      assert.is(berth(b2.root, ['run', '--bundle', b2.dir, uniqueId('killed')]).status, 137);
    } finally {
      b2.cleanup();
    }
  } finally {
    b.cleanup();
  }
});

test('rootfsPropagation and memoryPolicy are applied', () => {
  for (const propagation of ['private', 'slave', 'shared']) {
    const spec = minimalSpec();
    spec.linux!.rootfsPropagation = propagation;
    spec.linux!.memoryPolicy = { mode: 'MPOL_BIND', nodes: '0' };
    spec.process!.args = ['sh', '-c', 'awk \'$5 == "/"\' /proc/self/mountinfo; grep Mems_allowed_list /proc/self/status'];
    const b = makeBundle(spec);
    try {
      const r = berth(b.root, ['run', '--bundle', b.dir, uniqueId(`prop-${propagation}`)]);
      assert.is(r.status, 0, r.stderr);
      assert.match(r.stdout, / \/ rw/, 'the root mount line is there');
      if (propagation === 'shared') assert.match(r.stdout, 'shared:');
      if (propagation === 'private') assert.not.match(r.stdout, /shared:|master:/);
      assert.match(r.stdout, /Mems_allowed_list:\s+0/);
    } finally {
      b.cleanup();
    }
  }
  sleepMs(1);
});

test.run();
