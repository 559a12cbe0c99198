#!/usr/bin/env node
// Compiles the CLI into the single executable dist/berth with Bun (from the pinned npm
// package @oven/bun-linux-x64) and puts the addon beside it as dist/berth.node, which the
// executable loads from its own directory (never extracted into /tmp).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/**
 * `bun build` flags, also used by scripts/bench-startup.js for its trivial executable. The
 * executable does not read bunfig.toml or .env from the working directory: the runtime's
 * behaviour must not depend on where an engine happens to start it.
 */
const BUN_FLAGS = [
  '--compile', '--bytecode', '--minify-syntax', '--minify-whitespace',
  '--no-compile-autoload-bunfig', '--no-compile-autoload-dotenv',
];

function bunBuildArgs(commit) {
  return [
    'build', ...BUN_FLAGS,
    '--define', `process.env.BERTH_COMMIT=${JSON.stringify(commit)}`,
    path.join(root, 'src/cli/main.ts'),
  ];
}
module.exports = { BUN_FLAGS, bunBuildArgs };

function build() {
  const dist = path.join(root, 'dist');
  const bun = require.resolve('@oven/bun-linux-x64/bin/bun');
  const addon = path.join(root, 'native/build/Release/berth.node');
  if (!fs.existsSync(addon)) {
    console.error('build-exe: native/build/Release/berth.node is missing; run `npm run build:addon` (npm ci builds it)');
    process.exit(1);
  }

  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // not a git checkout: the version output says "unknown"
  }

  fs.mkdirSync(dist, { recursive: true });
  execFileSync(bun, [...bunBuildArgs(commit), '--outfile', path.join(dist, 'berth')], { cwd: root, stdio: 'inherit' });
  fs.copyFileSync(addon, path.join(dist, 'berth.node'));
  fs.chmodSync(path.join(dist, 'berth.node'), 0o755);
  console.log('built dist/berth and dist/berth.node');
}

if (require.main === module) build();
