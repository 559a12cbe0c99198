// The bench's setup runner (bench/lib/containers.js inParallel, which makes the `list` curve's
// containers): a failing command is reported with its stderr, nothing starts after a failure
// and the failure waits for what runs, and each worker has an index of its own (the list
// setup gives each worker a bundle of its own).
// Plain shell commands stand in for the runtimes; nothing here needs root.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const benchLib = path.resolve(__dirname, '../../../bench/lib');
const load = (name: string) => require(path.join(benchLib, name));
const { inParallel } = load('containers.js');
const { setScratchDir } = load('stats.js');

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-setup-'));
setScratchDir(scratch);
test.after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('a failing command: rejected with its command line, exit status and stderr', async () => {
  const cmds = [['sh', '-c', 'exit 0'], ['sh', '-c', 'printf "%s: %s\\n" ptmx "file exists" >&2; exit 3']];
  try {
    await inParallel(cmds, 1, (argv: string[]) => argv);
    assert.unreachable('inParallel resolved');
  } catch (e) {
    const msg = (e as Error).message;
    assert.ok(msg.includes('exited 3'), msg);
    assert.ok(msg.includes('ptmx: file exists'), msg); // what it printed, not its argv
    assert.ok(msg.includes('printf'), msg);
  }
});

test('after a failure no further command starts', async () => {
  const marks = path.join(scratch, 'marks');
  fs.mkdirSync(marks);
  const argvOf = (item: string) => (item === 'fail' ? ['sh', '-c', 'exit 1'] : ['touch', path.join(marks, item)]);
  await inParallel(['a', 'fail', 'b', 'c'], 1, argvOf).then(
    () => assert.unreachable('inParallel resolved'),
    () => {},
  );
  assert.equal(fs.readdirSync(marks), ['a']);
});

test('a failure is reported only once the commands already running have ended', async () => {
  // The caller's cleanup deletes the containers next: no runtime may still be creating one.
  const mark = path.join(scratch, 'slow-done');
  const argvOf = (item: string) => (item === 'fail' ? ['sh', '-c', 'exit 1'] : ['sh', '-c', `sleep 0.3; touch ${mark}`]);
  await inParallel(['slow', 'fail'], 2, argvOf).then(
    () => assert.unreachable('inParallel resolved'),
    () => {},
  );
  assert.ok(fs.existsSync(mark), 'rejected while the slow command still ran');
});

test('each worker has its own index, every item runs once', async () => {
  const out = path.join(scratch, 'workers');
  fs.mkdirSync(out);
  const items = Array.from({ length: 12 }, (_, i) => String(i));
  await inParallel(items, 4, (item: string, w: number) => ['sh', '-c', `echo ${w} > ${out}/${item}`]);
  const seen = items.map((i) => Number(fs.readFileSync(path.join(out, i), 'utf8')));
  assert.is(seen.length, 12);
  assert.ok(seen.every((w) => w >= 0 && w < 4), String(seen));
});

test.run();
