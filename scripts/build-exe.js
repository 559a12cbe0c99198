#!/usr/bin/env node
// Compiles the CLI into the single executable dist/berth with Bun (from the pinned npm
// package @oven/bun-linux-x64) and puts the addons beside it as dist/berth.node and
// dist/berth-io.node (the file system calls of the short commands, C only: native/src/io.c),
// which the executable loads from its own directory (never extracted into /tmp).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/**
 * `bun build` arguments, also used by test/unit/startup-graph.test.ts. Two entry points: the
 * CLI (main.ts, what the executable runs) and heavy-commands.ts, embedded beside it and
 * imported at run time (its specifier is external, so the bundler does not inline it) only by
 * the commands that create or change containers. Everything a command like `state` does not
 * need then stays out of the bytecode deserialized at every start (docs/ARCHITECTURE.md,
 * "Speed"). The executable does not read bunfig.toml or .env from the working directory: the
 * runtime's behaviour must not depend on where an engine happens to start it. Every berth
 * process is short or waits on the kernel, so JavaScriptCore's JIT tiers up 10x later
 * (`--compile-jit-policy=10`): code that runs a few times stays in the interpreter instead of
 * being compiled, which took ~3 MiB of peak RSS and ~20 ms of CPU off `run` (docs/performance.md,
 * "Start-up"); a loop that really is hot still gets compiled.
 */
const BUN_FLAGS = [
  '--compile', '--bytecode', '--minify-syntax', '--minify-whitespace',
  '--no-compile-autoload-bunfig', '--no-compile-autoload-dotenv',
  '--compile-jit-policy=10',
];

const ENTRY_POINTS = [path.join(root, 'src/cli/main.ts'), path.join(root, 'src/cli/heavy-commands.ts')];
/** how main.ts names heavy-commands.ts in its import(): left to run time */
const HEAVY_SPECIFIER = './heavy-commands.js';

function bunBuildArgs(commit) {
  return [
    'build', ...BUN_FLAGS,
    '--define', `process.env.BERTH_COMMIT=${JSON.stringify(commit)}`,
    '--external', HEAVY_SPECIFIER,
    ...ENTRY_POINTS,
  ];
}
/** the addons dist/berth loads from its own directory */
const ADDONS = ['berth.node', 'berth-io.node'];

/**
 * The bun binary: the pinned npm package's, or BERTH_BUN (a path) to build with another Bun
 * aside, as docs/performance.md's start-up comparisons of Bun versions do.
 */
function bunBinary() {
  return process.env.BERTH_BUN || require.resolve('@oven/bun-linux-x64/bin/bun', { paths: [root] });
}

module.exports = { BUN_FLAGS, ENTRY_POINTS, HEAVY_SPECIFIER, ADDONS, bunBuildArgs, bunBinary };

function build() {
  const dist = path.join(root, 'dist');
  const bun = bunBinary();
  const addons = ADDONS.map((name) => path.join(root, 'native/build/Release', name));
  for (const addon of addons) {
    if (!fs.existsSync(addon)) {
      console.error(`build-exe: native/build/Release/${path.basename(addon)} is missing; run \`npm run build:addon\` (npm ci builds it)`);
      process.exit(1);
    }
  }

  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // not a git checkout: the version output says "unknown"
  }

  fs.mkdirSync(dist, { recursive: true });
  execFileSync(bun, [...bunBuildArgs(commit), '--outfile', path.join(dist, 'berth')], { cwd: root, stdio: 'inherit' });
  for (const addon of addons) {
    const to = path.join(dist, path.basename(addon));
    fs.copyFileSync(addon, to);
    fs.chmodSync(to, 0o755);
  }
  console.log(`built dist/berth and ${ADDONS.map((a) => `dist/${a}`).join(', ')}`);
}

if (require.main === module) build();
