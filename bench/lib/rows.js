// What is measured directly (no engine): one row per command, each sample one invocation
// (or, for create+start+delete, the sum of three). A row has a key (for --only), a label,
// a unit, the runtimes it applies to, optional setup (once per runtime, untimed), prepare
// (before every sample, untimed), sample (returns the number), an optional teardown (the
// cleanup removes everything anyway; this only does it faster) and the target.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { rtArgv, makeRoot } = require('./runtimes.js');
const { timedOk } = require('./stats.js');
const { baseConfig, copyRootfs, mountsConfig, writeBundle } = require('./bundles.js');
const { startDetached, waitStopped, makeStopped, deleteAll } = require('./containers.js');

/** Peak RSS (KiB) of the command through GNU time; the command must exit 0. */
function maxRssKiB(cmd, out) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, ...cmd], { stdio: 'ignore', detached: true, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`\`${cmd.join(' ')}\` exited ${r.status ?? r.signal} under /usr/bin/time`);
  return Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop());
}

/**
 * ctx: { work, pid, fsys: {rootfs, source}, floor, opts }. Each row gets a private root per
 * runtime (ctx.root) and ids that name the bench, the run, the runtime and the row (the
 * runtimes' default cgroup paths are named after the id, so ids must differ across runtimes).
 */
function directRows(ctx) {
  const { fsys, opts } = ctx;
  const trueBundle = writeBundle(ctx.work, 'true', baseConfig(fsys.rootfs, ['/bin/true']));
  const sleepBundle = writeBundle(ctx.work, 'sleep', baseConfig(fsys.rootfs, ['sleep', '100000']));
  let n = 0;
  const fresh = (rt, key) => ctx.id(rt, key, n++);

  // One long-running container per runtime, alone in its root: state, kill, list-1 and exec use it.
  const sleepers = new Map();
  const sleeper = (rt) => {
    if (!sleepers.has(rt.name)) {
      const root = makeRoot(rt, path.join(ctx.work, 'roots', rt.name, 'sleeper'));
      const id = ctx.id(rt, 'sleeper', 0);
      startDetached(rt, root, sleepBundle, id);
      sleepers.set(rt.name, { root, id });
    }
    return sleepers.get(rt.name);
  };
  const rootOf = (rt, key) => makeRoot(rt, path.join(ctx.work, 'roots', rt.name, key));
  const floorTarget = { floorPlus: 3 };

  const rows = [
    {
      key: 'floor', label: 'trivial Bun executable (console.log(1)): the floor', only: ['berth'],
      sample: () => timedOk([ctx.floor]),
    },
    {
      key: 'crun-wrapper', label: 'crun-hybrid wrapper alone (in every crun number)', only: ['crun'],
      applies: (rt) => Boolean(rt.wrapper),
      sample: (rt) => timedOk([rt.wrapper, '/bin/true']),
    },
    { key: 'version', label: '`--version`', sample: (rt) => timedOk([...rt.cmd, '--version']) },
    {
      key: 'run', label: '`run` of /bin/true', target: { vs: 'runc', max: 0.9 },
      setup: (rt) => rootOf(rt, 'run'),
      sample: (rt, root) => timedOk(rtArgv(rt, root, 'run', '--bundle', trueBundle, fresh(rt, 'run'))),
    },
    {
      key: 'create-start-delete', label: '`create` + `start` + `delete --force` of /bin/true', target: { vs: 'runc', max: 0.9 },
      setup: (rt) => rootOf(rt, 'csd'),
      sample: (rt, root) => {
        const id = fresh(rt, 'csd');
        return timedOk(rtArgv(rt, root, 'create', '--bundle', trueBundle, id)) + timedOk(rtArgv(rt, root, 'start', id)) + timedOk(rtArgv(rt, root, 'delete', '--force', id));
      },
    },
    {
      key: 'state', label: '`state` of a running container', target: floorTarget,
      setup: sleeper,
      sample: (rt, s) => timedOk(rtArgv(rt, s.root, 'state', s.id)),
    },
    {
      key: 'kill', label: '`kill` (signal 0) of a running container', target: floorTarget,
      setup: sleeper,
      sample: (rt, s) => timedOk(rtArgv(rt, s.root, 'kill', s.id, '0')),
    },
    {
      key: 'list', label: '`list` with 1 container (running)', target: floorTarget,
      setup: sleeper,
      sample: (rt, s) => timedOk(rtArgv(rt, s.root, 'list')),
    },
    {
      key: 'delete', label: '`delete` of a stopped container', target: floorTarget,
      setup: (rt) => rootOf(rt, 'delete'),
      prepare: (rt, root) => {
        const id = fresh(rt, 'delete');
        startDetached(rt, root, trueBundle, id);
        waitStopped(rt, root, id);
        return id;
      },
      sample: (rt, root, id) => timedOk(rtArgv(rt, root, 'delete', id)),
    },
    {
      key: 'exec', label: '`exec` of /bin/true into a running container', target: { vs: 'runc', max: 1.0 },
      setup: sleeper,
      sample: (rt, s) => timedOk(rtArgv(rt, s.root, 'exec', s.id, '/bin/true')),
    },
    {
      key: 'rss-run', label: 'peak memory (max RSS) of `run` of /bin/true', unit: 'MiB', target: { abs: 35 },
      setup: (rt) => rootOf(rt, 'rss'),
      sample: (rt, root) => maxRssKiB(rtArgv(rt, root, 'run', '--bundle', trueBundle, fresh(rt, 'rss')), path.join(ctx.work, 'rss')) / 1024,
    },
  ];

  // Scaling: `list` of N stopped containers (run --detach of /bin/true), one root per N, made
  // 4 at a time, each of the 4 from a bundle with a rootfs copy of its own (makeStopped says why).
  let setupBundles;
  const trueBundles = () =>
    (setupBundles ??= [0, 1, 2, 3].map((w) => writeBundle(ctx.work, `true-${w}`, baseConfig(copyRootfs(ctx.work, fsys.rootfs, `rootfs-${w}`), ['/bin/true']))));
  for (const count of opts.listCounts) {
    rows.push({
      key: `list-${count}`, label: `\`list\` with ${count} stopped containers`, curve: { name: 'list', n: count },
      target: count === Math.max(...opts.listCounts) ? { vs: 'runc', max: 1.0 } : undefined,
      setupAsync: async (rt) => {
        const root = rootOf(rt, `list-${count}`);
        await makeStopped(rt, root, trueBundles(), (i) => ctx.id(rt, `l${count}`, i), 0, count);
        return root;
      },
      sample: (rt, root) => timedOk(rtArgv(rt, root, 'list')),
      teardownAsync: (rt, root) => deleteAll(rt, root),
    });
  }
  // Scaling: `run` of /bin/true with Docker's seccomp profile and N read-only bind mounts.
  for (const count of opts.mountCounts) {
    const bundle = writeBundle(ctx.work, `mounts-${count}`, mountsConfig(fsys, count));
    rows.push({
      key: `run-mounts-${count}`, label: `\`run\`, Docker's seccomp profile + ${count} bind mounts`, curve: { name: 'mounts', n: count },
      target: count === Math.max(...opts.mountCounts) ? { vs: 'runc', max: 1.0 } : undefined,
      setup: (rt) => rootOf(rt, `mounts-${count}`),
      sample: (rt, root) => timedOk(rtArgv(rt, root, 'run', '--bundle', bundle, fresh(rt, `m${count}`))),
    });
  }
  return rows;
}

module.exports = { directRows };
