// Containers the rows need before they measure: a long-running one per runtime (state, kill,
// list, exec), stopped ones (delete, and many for the `list` curve).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { rtArgv } = require('./runtimes.js');
const { timedOk, scratchFile } = require('./stats.js');

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
 * Makes `count` stopped containers named idOf(from..from+count-1) (run --detach of a program
 * that exits at once), one create per bundle in `bundles` at a time: only setup, never timed.
 * Concurrent creates must not share a rootfs: with no /dev mount in the config, runc 1.1
 * replaces the rootfs's own dev/ptmx (unlink, then symlink; rootfs_linux.go setupPtmx), and
 * two creates doing it at once fail with "symlink pts/ptmx .../dev/ptmx: file exists".
 */
async function makeStopped(rt, root, bundles, idOf, from, count) {
  const ids = Array.from({ length: count }, (_, i) => idOf(from + i));
  await inParallel(ids, bundles.length, (id, w) => rtArgv(rt, root, 'run', '--detach', '--bundle', bundles[w], id));
}

/** Deletes (--force) every container under `root`, `parallel` at a time (the cleanup's sweep then finds none). */
async function deleteAll(rt, root, parallel = 4) {
  const ids = fs.existsSync(root) ? fs.readdirSync(root).filter((id) => fs.statSync(path.join(root, id)).isDirectory()) : [];
  await inParallel(ids, parallel, (id) => rtArgv(rt, root, 'delete', '--force', id));
}

/**
 * Runs argvOf(item, worker) for every item, `parallel` workers (0..parallel-1) at a time;
 * once a command fails the workers start no more, and it rejects naming that command, with its
 * stderr. Each worker's stderr goes to a file of its own (a pipe would be inherited by a
 * detached container and kept open while it lives); stdin and stdout are /dev/null.
 */
async function inParallel(items, parallel, argvOf) {
  let next = 0;
  let failed;
  const worker = async (w) => {
    const errFile = scratchFile(`stderr-worker-${w}`);
    while (next < items.length && !failed) {
      const argv = argvOf(items[next++], w);
      const fd = fs.openSync(errFile, 'w+');
      try {
        await new Promise((resolve, reject) => {
          const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', fd], detached: true });
          child.on('error', reject);
          child.on('exit', (code, signal) => {
            if (code === 0) return resolve();
            const stderr = errFile === '/dev/null' ? '' : fs.readFileSync(errFile, 'utf8').trim();
            reject(new Error(`\`${argv.join(' ')}\` exited ${code ?? signal}${stderr ? `: ${stderr}` : ''}`));
          });
        });
      } catch (e) {
        failed ??= e;
      } finally {
        fs.closeSync(fd);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, (_, w) => worker(w)));
  if (failed) throw failed;
}

module.exports = { startDetached, status, waitStopped, makeStopped, deleteAll, inParallel, ok };
