// Load: BERTH_LOAD_RUNS (default 1,000) lifecycles of `berth run`, 8 commands at a time, on
// ids drawn from a pool smaller than that, so runs collide on an id ("already exists") and
// `kill KILL` and `delete --force` commands thrown in at random hit containers while they are
// being created, started, run or deleted. No command may crash (die of a signal, or print a
// stack), and afterwards the machine must be as the test found it: nothing under --root, no
// cgroup, host mount or process of any of the ids, no descriptor the test process gained.
//
// The random choices come from a seeded generator; the seed is printed, and BERTH_LOAD_SEED
// replays a failing sequence (as far as the kernel's scheduling lets a replay go).

import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, berthBin, makeBundle, rootfs, sleepMs } from '../helpers/berth.js';
import { cgroupDirsLeft, fdCount, mountsUnder, processesTiedTo, rootEntries } from '../helpers/leftovers.js';
import { prng } from '../helpers/prng.js';
import { minimalSpec } from '../helpers/specs.js';

const RUNS = Number(process.env.BERTH_LOAD_RUNS ?? 1000);
const PARALLEL = 8;
const POOL = 6;
const SEED = Number(process.env.BERTH_LOAD_SEED ?? Math.floor(Math.random() * 2 ** 31));
const TAG = `BERTH_LOAD_TEST=${process.pid}`;

interface Outcome {
  args: string[];
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** One berth command, stderr collected; stdout ignored (a container shares it). */
function berthAsync(root: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(berthBin, ['--root', root, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BERTH_LOAD_TAG: TAG } });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    child.on('close', (status, signal) => resolve({ args, status, signal, stderr }));
  });
}

test(`${RUNS} run lifecycles, ${PARALLEL} at a time, with kill and delete --force on the same ids, leave nothing behind`, async () => {
  console.log(`load: seed ${SEED} (BERTH_LOAD_SEED=${SEED} replays it), ${RUNS} runs`);
  const random = prng(SEED);
  const ids = Array.from({ length: POOL }, (_, i) => `berth-load-${process.pid}-${i}`);
  // One bundle per id, all under one --root: each id's cgroup is /<id> in every hierarchy.
  const bundles = ids.map((id) => {
    const spec = minimalSpec();
    spec.linux!.cgroupsPath = `/${id}`;
    // Long enough for a kill or delete to find it running, short enough for 1,000 of them.
    spec.process!.args = ['sh', '-c', 'sleep 0.0$((RANDOM % 5))'];
    spec.process!.env!.push(TAG);
    return makeBundle(spec);
  });
  const root = bundles[0]!.root;
  const fdsBefore = fdCount('self');
  const started = Date.now();
  const counts: Record<string, number> = {};
  const bad: string[] = [];
  const messages = new Map<string, number>();
  let runs = 0;
  try {
    const worker = async () => {
      while (runs < RUNS) {
        const n = Math.floor(random() * ids.length);
        const id = ids[n]!;
        const dice = random();
        let args: string[];
        if (dice < 0.15) args = ['kill', id, 'KILL'];
        else if (dice < 0.25) args = ['delete', '--force', id];
        else {
          runs++;
          args = ['run', '--bundle', bundles[n]!.dir, id];
        }
        const r = await berthAsync(root, args);
        const key = `${args[0]} ${r.signal ?? r.status}`;
        counts[key] = (counts[key] ?? 0) + 1;
        if (r.status) {
          // Which refusals occurred, ids and pids left out, to judge them in the log.
          const msg = `${args[0]}: ${r.stderr.trim().replace(/berth-load-\d+-\d+/g, 'ID').replace(/\d+/g, 'N')}`;
          messages.set(msg, (messages.get(msg) ?? 0) + 1);
        }
        if (r.signal || /\n\s+at |TypeError|ReferenceError|internal error/.test(r.stderr)) bad.push(`${args.join(' ')}: ${r.signal ?? r.status}: ${r.stderr}`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const seconds = (Date.now() - started) / 1000;
    console.log(`load: ${runs} runs in ${seconds.toFixed(1)} s; outcomes ${JSON.stringify(counts)}`);
    for (const [msg, n] of messages) console.log(`load: ${n} x ${msg}`);
    assert.equal(bad, [], 'no berth command crashed');
    // What is left after the storm must still be removable; then nothing may remain.
    for (const id of ids) {
      const d = berth(root, ['delete', '--force', id]);
      assert.is(d.status, 0, `delete --force ${id}: ${d.stderr}`);
    }
    assert.equal(rootEntries(root), [], 'entries under --root');
    for (const id of ids) assert.equal(cgroupDirsLeft(`/${id}`), [], `cgroups of ${id}`);
    assert.equal(mountsUnder([rootfs(), root, ...bundles.map((b) => b.dir)]), [], 'host mounts');
    // The inits that were killed are reaped by whoever adopted them; give that a moment.
    let left: string[] = [];
    for (let i = 0; i < 100; i++) {
      left = ids.flatMap((id) => processesTiedTo(TAG, `/${id}`));
      if (!left.length) break;
      sleepMs(20);
    }
    assert.equal(left, [], 'processes');
    assert.is(fdCount('self'), fdsBefore, 'descriptors of the test process');
  } finally {
    for (const b of bundles) b.cleanup();
  }
});

test.run();
