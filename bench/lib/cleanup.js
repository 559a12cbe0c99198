// Leaves nothing behind: every container, root, daemon, cgroup and temp dir the bench makes
// registers how to undo it here, and undo runs (newest first) at the end, on an error and on
// SIGINT/SIGTERM. Measurements are synchronous spawns, so a signal handler only runs when the
// bench yields: checkpoint() yields between measurements and stops the run once interrupted.
'use strict';

const undo = [];
let interrupted;

class Interrupted extends Error {}

function onCleanup(what, fn) {
  const entry = { what, fn };
  undo.push(entry);
  return () => {
    const i = undo.indexOf(entry);
    if (i >= 0) undo.splice(i, 1);
  };
}

function cleanupAll() {
  while (undo.length) {
    const { what, fn } = undo.pop();
    try {
      fn();
    } catch (e) {
      console.error(`bench: cleanup of ${what} failed: ${e.message}`);
    }
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (!interrupted) console.error(`\nbench: ${sig}, cleaning up`);
    interrupted = sig;
  });
}

/** Yields to the event loop (so a signal is seen) and throws once the run was interrupted. */
async function checkpoint() {
  await new Promise((resolve) => setImmediate(resolve));
  if (interrupted) throw new Interrupted(interrupted);
}

module.exports = { onCleanup, cleanupAll, checkpoint, Interrupted };
