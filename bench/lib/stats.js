// Timing one command and summarising samples: wall time around a synchronous spawn (the
// most precise a Node parent can do), stdout to /dev/null, nearest-rank quantiles.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

// stderr goes to a file, never a pipe: a container started by create or run --detach inherits
// it, and a pipe would keep spawnSync waiting until the container exits. Each command runs in
// a session of its own (detached), so a ^C reaches only the bench, which stops between two
// commands instead of leaving a runtime killed half-way.
let scratchDir;
let stderrFile = '/dev/null';
function setScratchDir(dir) {
  scratchDir = dir;
  stderrFile = path.join(dir, 'stderr');
}

/** A file named `name` in the bench's scratch dir (/dev/null before setScratchDir). */
function scratchFile(name) {
  return scratchDir ? path.join(scratchDir, name) : '/dev/null';
}

/** Runs cmd (an argv array) and returns {ms, status, stderr}. */
function timed(cmd, opts = {}) {
  const fd = fs.openSync(stderrFile, 'w+');
  try {
    const t0 = process.hrtime.bigint();
    const res = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', fd], detached: true, env: opts.env, timeout: opts.timeoutMs ?? 60_000 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const stderr = res.status === 0 ? '' : fs.readFileSync(stderrFile, 'utf8') + (res.error ? res.error.message : '');
    return { ms, status: res.status, signal: res.signal, stderr };
  } finally {
    fs.closeSync(fd);
  }
}

/** Like timed, but throws with the command line and stderr unless it exited 0. */
function timedOk(cmd, opts) {
  const r = timed(cmd, opts);
  if (r.status !== 0) throw new Error(`\`${cmd.join(' ')}\` exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  return r.ms;
}

function quantile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

const median = (xs) => quantile(xs, 0.5);
const p90 = (xs) => quantile(xs, 0.9);

module.exports = { setScratchDir, scratchFile, timed, timedOk, quantile, median, p90 };
