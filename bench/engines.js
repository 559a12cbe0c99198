#!/usr/bin/env node
// Engine latency, berth against runc, in one interleaved run: `docker run --rm`, `docker exec`
// and `ctr run --rm` of /bin/true, through private daemons started the way the engine test
// suite starts them (test/helpers/engines; run `npm run build` first, as root).
//   node bench/engines.js [--rounds N]     (default 10) prints medians and berth/runc ratios
'use strict';
const path = require('node:path');

const build = path.resolve(__dirname, '../build/test/helpers/engines');
const { DockerEngine } = require(path.join(build, 'docker.js'));
const { ContainerdEngine } = require(path.join(build, 'containerd.js'));
const { imageName } = require(path.join(build, 'images.js'));
const { ok } = require(path.join(build, 'run-cmd.js'));
const { runtimesUnderTest } = require(path.join(build, 'runtimes.js'));

const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 10;
const runtimes = runtimesUnderTest(); // berth, runc

function timed(f) {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const docker = new DockerEngine();
const ctrd = new ContainerdEngine();
const results = {}; // action -> runtime -> ms[]
const record = (action, rt, ms) => (((results[action] ??= {})[rt.name] ??= []).push(ms));
try {
  docker.start();
  ctrd.start();
  const sleepers = Object.fromEntries(runtimes.map((rt) => [rt.name, docker.detached(rt)]));
  let n = 0;
  for (let i = 0; i < rounds; i++) {
    for (const rt of i % 2 ? [...runtimes].reverse() : runtimes) {
      record('docker run --rm', rt, timed(() => ok(docker.docker([...docker.runArgs(rt, '--rm'), imageName, 'true']))));
      record('docker exec', rt, timed(() => ok(docker.docker(['exec', sleepers[rt.name], 'true']))));
      record('ctr run --rm', rt, timed(() => ok(ctrd.ctr([...ctrd.runArgs(rt, '--rm'), imageName, `bench-${process.pid}-${n++}`, 'true']))));
    }
  }
  console.log(`engine latency, median of ${rounds} interleaved rounds (ms)`);
  console.log('| action | berth | runc | berth/runc |\n|---|---|---|---|');
  for (const [action, byRt] of Object.entries(results)) {
    const b = median(byRt.berth);
    const r = median(byRt.runc);
    console.log(`| ${action} | ${b.toFixed(0)} | ${r.toFixed(0)} | ${(b / r).toFixed(2)} |`);
  }
} finally {
  try {
    docker.removeAll();
  } catch {
    // the daemon is stopped below either way
  }
  docker.stop();
  ctrd.stop();
}
