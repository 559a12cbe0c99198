#!/usr/bin/env node
// Start-up cost of the short commands, berth against runc and against the floor of any
// Bun-compiled executable: a trivial one (`console.log(1)`) built by the same Bun with the
// same flags. Rounds are interleaved (every command once per round, in turn) so machine noise
// hits all of them alike; medians are printed. Then peak RSS (GNU time's %M, which is the
// largest of the process and the children it waited for) of --version, state and `run` of
// /bin/true. Needs root (it runs containers). Timings never go into tests.
//   node scripts/bench-startup.js [--rounds N] [--run-rounds N] [--berth PATH] [--before PATH]
//                                 [--before-bun PATH]
// --before adds another berth executable (say, one built from main) to the same rounds.
// --before-bun PATH: the "before" executable was built by another Bun (scripts/build-exe.js
// with BERTH_BUN=PATH); a second trivial executable is built by that Bun, so each berth is
// set against its own floor. The berth executable's Bun is BERTH_BUN or the pinned one.
'use strict';
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BUN_FLAGS, bunBinary } = require('./build-exe.js');
const { scriptArgs } = require('../bench/lib/script-args.js');
const { buildRootfs, baseConfig, writeBundle } = require('../bench/lib/bundles.js');

const { opt, berth } = scriptArgs();
const rounds = Number(opt('--rounds', 30));
const runRounds = Number(opt('--run-rounds', 5));
const before = opt('--before') && path.resolve(opt('--before'));
const beforeBun = opt('--before-bun') && path.resolve(opt('--before-bun'));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-startup-'));
const cleanups = [];
process.on('exit', () => {
  for (const c of cleanups.reverse()) c();
  fs.rmSync(work, { recursive: true, force: true });
});

// The floor: the same `bun build` flags as dist/berth (scripts/build-exe.js), one module.
const trivialSrc = path.join(work, 'trivial.ts');
fs.writeFileSync(trivialSrc, 'console.log(1);\n');
const buildTrivial = (bun, name) => {
  const out = path.join(work, name);
  execFileSync(bun, ['build', ...BUN_FLAGS, trivialSrc, '--outfile', out], { stdio: 'ignore' });
  const version = execFileSync(bun, ['--version'], { encoding: 'utf8' }).trim();
  return { name, bin: out, version };
};
/** the floors: `trivial`, and `trivial before` when the "before" berth has its own Bun */
const floors = [...(beforeBun ? [buildTrivial(beforeBun, 'trivial before')] : []), buildTrivial(bunBinary(), 'trivial')];

// bench/run.js's rootfs and config.
const { rootfs } = buildRootfs(work, 0);
const sleepBundle = writeBundle(work, 'sleep', baseConfig(rootfs, ['sleep', '1000000']));
const trueBundle = writeBundle(work, 'true', baseConfig(rootfs, ['/bin/true']));

const runtimes = [
  ...(before ? [{ name: 'berth before', bin: before, root: path.join(work, 'root-before') }] : []),
  { name: 'berth', bin: berth, root: path.join(work, 'root-berth') },
  { name: 'runc', bin: 'runc', root: path.join(work, 'root-runc') },
];
const call = (r, argv, stdio = 'ignore') => spawnSync(r.bin, ['--root', r.root, ...argv], { stdio });
// stderr to a file, not a pipe: a detached container's init keeps the pipe open.
const errLog = path.join(work, 'stderr.log');
const must = (r, argv) => {
  const fd = fs.openSync(errLog, 'w');
  const res = call(r, argv, ['ignore', 'ignore', fd]);
  fs.closeSync(fd);
  if (res.status !== 0) throw new Error(`${r.name} ${argv.join(' ')}: status ${res.status}: ${fs.readFileSync(errLog, 'utf8')}`);
};
for (const r of runtimes) {
  must(r, ['run', '-d', '--bundle', sleepBundle, 'running']);
  cleanups.push(() => call(r, ['delete', '--force', 'running']));
}

let stopped = 0;
/** a container whose init has exited (`run -d` of /bin/true), not timed */
const makeStopped = (r) => {
  const id = `stopped-${stopped++}`;
  must(r, ['run', '-d', '--bundle', trueBundle, id]);
  for (let i = 0; i < 500; i++) {
    const out = spawnSync(r.bin, ['--root', r.root, 'state', id], { encoding: 'utf8' }).stdout;
    if (/"status": "stopped"/.test(out)) return id;
  }
  throw new Error(`${r.name}: ${id} did not stop`);
};

// One measured run: a small C helper forks, execs and waits (wait4), so each sample carries
// the wall time, the CPU time (user + system, less disturbed by a busy machine than the wall
// time) and the peak RSS of the command and the children it waited for.
const MEASURE_C = `
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
  struct timespec a, b; struct rusage ru; int status;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t pid = fork();
  if (pid == 0) {
    int n = open("/dev/null", O_RDWR); dup2(n, 0); dup2(n, 1); dup2(n, 2);
    execvp(argv[1], argv + 1); _exit(127);
  }
  wait4(pid, &status, 0, &ru);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.3f %.3f %ld %d\\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6,
    (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3,
    ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}
`;
const measureBin = path.join(work, 'measure');
fs.writeFileSync(`${measureBin}.c`, MEASURE_C);
execFileSync('gcc', ['-O2', '-o', measureBin, `${measureBin}.c`]);

/** { wall, cpu } in ms and rss in KiB of one run */
const timed = (argv0, argv) => {
  const out = execFileSync(measureBin, [argv0, ...argv], { encoding: 'utf8' }).trim().split(' ');
  if (out[3] !== '0') throw new Error(`${argv0} ${argv.join(' ')}: status ${out[3]}`);
  return { wall: Number(out[0]), cpu: Number(out[1]), rss: Number(out[2]) };
};

const rows = ['--version', 'state (running)', 'list', 'kill 0', 'delete (stopped)'];
const times = Object.fromEntries(floors.map((f) => [f.name, []]));
for (const r of runtimes) for (const row of rows) times[`${r.name} ${row}`] = [];
for (let i = 0; i < rounds + 2; i++) {
  const keep = i >= 2; // two warm-up rounds
  for (const f of floors) {
    const t = timed(f.bin, []);
    if (keep) times[f.name].push(t);
  }
  for (const r of runtimes) {
    const victim = makeStopped(r);
    const samples = [
      timed(r.bin, ['--version']),
      timed(r.bin, ['--root', r.root, 'state', 'running']),
      timed(r.bin, ['--root', r.root, 'list']),
      timed(r.bin, ['--root', r.root, 'kill', 'running', '0']),
      timed(r.bin, ['--root', r.root, 'delete', victim]),
    ];
    if (keep) samples.forEach((ms, k) => times[`${r.name} ${rows[k]}`].push(ms));
  }
}

// `run` of /bin/true, for its peak RSS (its time is bench/'s business).
const runs = Object.fromEntries(runtimes.map((r) => [r.name, []]));
for (let i = 0; i < runRounds; i++) {
  for (const r of runtimes) runs[r.name].push(timed(r.bin, ['--root', r.root, 'run', '--bundle', trueBundle, `rss-${i}`]));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const med = (samples, key) => median(samples.map((x) => x[key]));
const floorOf = (name) => {
  const f = name === 'berth before' && beforeBun ? 'trivial before' : 'trivial';
  return { wall: med(times[f], 'wall'), cpu: med(times[f], 'cpu') };
};
const sign = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
const names = runtimes.map((r) => r.name);
const berths = names.filter((n) => n !== 'runc');
const line = (cells) => console.log(`| ${cells.join(' | ')} |`);
console.log(`\nStart-up: ${rounds} interleaved rounds, medians; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)}`);
for (const f of floors) {
  console.log(`${f.name} Bun executable (\`console.log(1)\`, Bun ${f.version}, same flags): wall ${med(times[f.name], 'wall').toFixed(1)} ms, CPU ${med(times[f.name], 'cpu').toFixed(1)} ms, peak RSS ${(med(times[f.name], 'rss') / 1024).toFixed(1)} MiB`);
}
console.log('');
for (const [title, key, fmt] of [['wall ms', 'wall', (x) => x.toFixed(1)], ['CPU ms (user + system)', 'cpu', (x) => x.toFixed(1)], ['peak RSS MiB', 'rss', (x) => (x / 1024).toFixed(1)]]) {
  const delta = key !== 'rss';
  line([title, ...names, ...(delta ? berths.map((n) => `${n} - trivial`) : [])]);
  line(Array(1 + names.length + (delta ? berths.length : 0)).fill('---'));
  for (const row of rows) {
    const v = names.map((n) => med(times[`${n} ${row}`], key));
    line([row, ...v.map(fmt), ...(delta ? berths.map((n) => sign(med(times[`${n} ${row}`], key) - floorOf(n)[key])) : [])]);
  }
  const rv = names.map((n) => med(runs[n], key));
  line([`run /bin/true (${runRounds} runs)`, ...rv.map(fmt), ...(delta ? berths.map(() => '') : [])]);
  console.log('');
}
