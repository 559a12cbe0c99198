// Containers the rows need before they measure: a long-running one per runtime (state, kill,
// list, exec), stopped ones (delete, and many for the `list` curve).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { rtArgv } = require('./runtimes.js');
const { timedOk } = require('./stats.js');

function ok(cmd) {
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], detached: true, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`\`${cmd.join(' ')}\` exited ${r.status ?? r.signal}: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.stdout;
}

/** Starts a detached container (run --detach) of `bundle`. */
function startDetached(rt, root, bundle, id) {
  timedOk(rtArgv(rt, root, 'run', '--detach', '--bundle', bundle, id));
}

/** The container's status from `state`. */
function status(rt, root, id) {
  return JSON.parse(ok(rtArgv(rt, root, 'state', id))).status;
}

/** Waits (up to 10 s) until the container's init has exited. */
function waitStopped(rt, root, id) {
  const end = Date.now() + 10_000;
  while (status(rt, root, id) !== 'stopped') {
    if (Date.now() > end) throw new Error(`${rt.name}: ${id} did not stop`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
  }
}

/**
 * Makes `count` stopped containers named idOf(0..count-1) (run --detach of a bundle whose
 * program exits at once), `parallel` at a time: only setup, never timed.
 */
async function makeStopped(rt, root, bundle, idOf, from, count, parallel = 4) {
  const ids = Array.from({ length: count }, (_, i) => idOf(from + i));
  await inParallel(ids.map((id) => rtArgv(rt, root, 'run', '--detach', '--bundle', bundle, id)), parallel);
}

/** Deletes (--force) every container under `root`, `parallel` at a time (the cleanup's sweep then finds none). */
async function deleteAll(rt, root, parallel = 4) {
  const ids = fs.existsSync(root) ? fs.readdirSync(root).filter((id) => fs.statSync(path.join(root, id)).isDirectory()) : [];
  await inParallel(ids.map((id) => rtArgv(rt, root, 'delete', '--force', id)), parallel);
}

/** Runs the commands, `parallel` at a time; rejects naming the first that fails. */
async function inParallel(cmds, parallel) {
  let next = 0;
  const worker = async () => {
    while (next < cmds.length) {
      const argv = cmds[next++];
      await new Promise((resolve, reject) => {
        // stdio to /dev/null, not a pipe a container would inherit (a failure names the command).
        const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', detached: true });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`\`${argv.join(' ')}\` exited ${code}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

module.exports = { startDetached, status, waitStopped, makeStopped, deleteAll, ok };
