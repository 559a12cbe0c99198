// The bench's command line. Defaults make a full run (a few minutes on a 2-core machine);
// --quick makes a smoke run (few rounds, small curves) for development.
'use strict';
const path = require('node:path');
const minimist = require('minimist');

const usage = `usage: npm run bench -- [options]
  --rounds N      measured rounds (default 20; --quick: 3), after 2 warm-up rounds
  --only ROWS     comma-separated row keys, or prefixes ending in * (e.g. run,state,list-*,engine-*);
                  the keys are listed in docs/performance.md
  --quick         few rounds and small curves
  --no-engines    skip docker, containerd and podman
  --berth PATH    the berth executable (default dist/berth)
  --no-write      print only; leave docs/performance.md alone`;

/** A mistake on the command line: printed without a stack. */
class UsageError extends Error {}

function parseOptions(argv, repoRoot) {
  const a = minimist(argv, {
    string: ['rounds', 'only', 'berth'],
    boolean: ['quick', 'engines', 'write', 'help'],
    default: { engines: true, write: true },
    alias: { h: 'help' },
    unknown: (arg) => {
      if (!arg.startsWith('-')) return true;
      throw new UsageError(`unknown option ${arg}\n${usage}`);
    },
  });
  if (a.help) {
    console.log(usage);
    process.exit(0);
  }
  const rounds = a.rounds === undefined ? (a.quick ? 3 : 20) : Number(a.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`--rounds: a positive integer, not ${a.rounds}`);
  return {
    rounds,
    warmup: 2,
    quick: a.quick,
    only: a.only ? a.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    engines: a.engines,
    write: a.write,
    berth: path.resolve(a.berth ?? path.join(repoRoot, 'dist/berth')),
    // The scaling curves: containers under one root for `list`, extra mounts for `run`.
    listCounts: a.quick ? [10, 50] : [10, 100, 500],
    mountCounts: a.quick ? [0, 10, 50] : [0, 10, 100, 200],
    argv,
  };
}

module.exports = { parseOptions, usage, UsageError };
