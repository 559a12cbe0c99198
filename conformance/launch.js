// Shared by run.js and compare.js: makes sure build/conformance holds an up-to-date
// compilation of conformance/**/*.ts before they load it.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');

function newestSource(dir) {
  let newest = 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (ent.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureCompiled() {
  const entry = path.join(repo, 'build/conformance/runner/run-main.js');
  const stale = !fs.existsSync(entry) || fs.statSync(entry).mtimeMs < newestSource(__dirname);
  if (!stale) return;
  // tsc writes output even when some other part of the project has type errors; only a
  // missing entry point is fatal here.
  const res = spawnSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', path.join(repo, 'tsconfig.json')], {
    cwd: repo,
    encoding: 'utf8',
  });
  const confErrors = (res.stdout || '').split('\n').filter((l) => l.startsWith('conformance/'));
  if (confErrors.length) process.stderr.write(`conformance: type errors in the suite:\n${confErrors.join('\n')}\n`);
  if (!fs.existsSync(entry)) {
    process.stderr.write(`conformance: compiling with tsc did not produce ${entry}\n${res.stdout || ''}${res.stderr || ''}`);
    process.exit(2);
  }
  // Touch the entry so an unrelated type error elsewhere does not force a rebuild every run.
  const now = new Date();
  fs.utimesSync(entry, now, now);
}

module.exports = { ensureCompiled };
