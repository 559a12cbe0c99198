#!/usr/bin/env node
// `npm run bench`: berth, runc and crun side by side in ONE interleaved run (every round runs
// every row with every runtime, rotating the order, so machine noise hits all alike), then
// medians, p90s, ratios and the targets printed and written to docs/performance.md.
// Rows: bench/lib/rows.js (direct) and bench/lib/engines.js (docker, containerd, podman).
// Run as root after `npm run build`; `npm run bench -- --help` lists the options.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseOptions, UsageError } = require('./lib/options.js');
const { onCleanup, cleanupAll, checkpoint, Interrupted } = require('./lib/cleanup.js');
const { findRuntimes, buildFloor, bunVersion } = require('./lib/runtimes.js');
const { buildRootfs } = require('./lib/bundles.js');
const { directRows } = require('./lib/rows.js');
const { engineRows, engineRowKeys } = require('./lib/engines.js');
const { describeMachine } = require('./lib/machine.js');
const { mainTable, curveTable } = require('./lib/report.js');
const { generated, writeGenerated } = require('./lib/docs.js');
const { removeCgroupsNamed } = require('./lib/cgroups.js');
const { setScratchDir } = require('./lib/stats.js');

const repoRoot = path.resolve(__dirname, '..');
const log = (s) => console.error(`bench: ${s}`);
/** A failure for the generated list: all its lines (the command's stderr and stdout too), as one, capped. */
const oneLine = (msg) => {
  const s = msg.split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
  return s.length > 600 ? `${s.slice(0, 600)}…` : s;
};

async function main() {
  const opts = parseOptions(process.argv.slice(2), repoRoot);
  const wanted = (key) => !opts.only || opts.only.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p));
  const idPrefix = `bench-${process.pid}-`;
  onCleanup('cgroups', () => removeCgroupsNamed(idPrefix));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-'));
  onCleanup(`work dir ${work}`, () => fs.rmSync(work, { recursive: true, force: true }));
  setScratchDir(work);

  const runtimes = findRuntimes(work, opts.berth);
  const ctx = {
    work, opts,
    id: (rt, key, n) => `${idPrefix}${rt.name}-${key}-${n}`,
    floor: wanted('floor') ? buildFloor(work) : undefined,
    fsys: buildRootfs(work, Math.max(0, ...opts.mountCounts)),
  };
  const skipped = [];
  let rows = directRows(ctx).filter((r) => wanted(r.key));
  if (opts.engines && engineRowKeys.some(wanted)) {
    process.env.BERTH_ENGINE_BERTH = opts.berth;
    const e = engineRows(wanted);
    rows.push(...e.rows.filter((r) => wanted(r.key)));
    skipped.push(...e.skipped);
  } else if (!opts.engines) skipped.push('engines: --no-engines');
  if (!runtimes.some((r) => r.name === 'crun')) skipped.push('crun: not runnable here (see the messages on stderr)');
  const machine = describeMachine(runtimes, bunVersion(), rows.some((r) => r.key.startsWith('engine-')));

  // Setup (untimed): roots, long-running containers, the containers of the list curve.
  const results = {};
  const errors = {};
  const fail = (row, rt, e) => {
    ((errors[row.key] ??= {})[rt.name] = e.message);
    log(`${row.key} with ${rt.name} failed, dropped from this run: ${e.message}`);
  };
  const applies = (row, rt) => (!row.only || row.only.includes(rt.name)) && (!row.applies || row.applies(rt)) && !errors[row.key]?.[rt.name];
  const state = new Map();
  for (const row of rows) {
    for (const rt of runtimes.filter((r) => applies(row, r))) {
      await checkpoint();
      if (!row.setup && !row.setupAsync) continue;
      if (row.setupAsync) log(`setting up ${row.key} for ${rt.name}`);
      try {
        state.set(`${row.key}/${rt.name}`, row.setupAsync ? await row.setupAsync(rt) : row.setup(rt));
      } catch (e) {
        fail(row, rt, e);
      }
    }
  }

  // The rounds.
  let interrupted = false;
  try {
    const total = opts.warmup + opts.rounds;
    const t0 = Date.now();
    for (let round = 0; round < total; round++) {
      const left = round ? `, about ${Math.round((((Date.now() - t0) / round) * (total - round)) / 1000)} s left` : '';
      log(`round ${round + 1}/${total}${round < opts.warmup ? ' (warm-up)' : ''}${left}`);
      const order = runtimes.map((_, i) => runtimes[(i + round) % runtimes.length]);
      for (const row of rows) {
        for (const rt of order.filter((r) => applies(row, r))) {
          await checkpoint();
          try {
            const s = state.get(`${row.key}/${rt.name}`);
            const prepared = row.prepare ? row.prepare(rt, s) : undefined;
            const v = row.sample(rt, s, prepared);
            if (round >= opts.warmup) ((results[row.key] ??= {})[rt.name] ??= []).push(v);
          } catch (e) {
            // A ^C that lands while a command is being spawned kills the command too: stop, not fail.
            await checkpoint();
            fail(row, rt, e);
          }
        }
      }
    }
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    interrupted = true;
  }

  const direct = rows.filter((r) => !r.curve && !r.key.startsWith('engine-'));
  const tables = {
    main: direct.length ? mainTable(direct, results, errors) : [],
    list: curveTable('list', rows, results, errors),
    mounts: curveTable('mounts', rows, results, errors),
    engines: rows.some((r) => r.key.startsWith('engine-')) ? mainTable(rows.filter((r) => r.key.startsWith('engine-')), results, errors) : [],
  };
  for (const [key, byRt] of Object.entries(errors)) for (const [rt, msg] of Object.entries(byRt)) skipped.push(`${key} with ${rt}: failed: ${oneLine(msg)}`);
  const command = ['npm run bench', ...(opts.argv.length ? ['--', ...opts.argv] : [])].join(' ');
  const text = generated({ machine, loadEnd: os.loadavg(), command, opts, tables, skipped, interrupted });
  console.log(text.split('\n').slice(1, -1).join('\n'));
  if (opts.write && !interrupted) {
    writeGenerated(path.join(repoRoot, 'docs/performance.md'), text);
    log('wrote docs/performance.md');
  }
  if (interrupted) {
    process.exitCode = 130;
    return;
  }
  log('removing the containers');
  for (const row of rows.filter((r) => r.teardownAsync)) {
    for (const rt of runtimes) {
      const s = state.get(`${row.key}/${rt.name}`);
      if (s !== undefined) await row.teardownAsync(rt, s);
    }
  }
}

main()
  .catch((e) => {
    console.error(`bench: ${e instanceof Interrupted ? 'interrupted' : e instanceof UsageError ? e.message : e.stack}`);
    process.exitCode = e instanceof Interrupted ? 130 : e instanceof UsageError ? 2 : 1;
  })
  .finally(() => {
    log('cleaning up');
    cleanupAll();
  });
