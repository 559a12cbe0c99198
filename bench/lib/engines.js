// Rows through the engines, berth against runc (crun would need bench/crun-hybrid.c inside
// the engines): `docker run --rm`, `docker exec`, `ctr run --rm` and `podman run --rm` of
// busybox `true`, through private daemons started exactly as the engine suite starts them
// (test/helpers/engines, compiled to build/ by `npm run build`). An engine that is not
// installed or whose daemon does not start is skipped, saying why.
'use strict';
const path = require('node:path');
const { onCleanup } = require('./cleanup.js');

const helpers = path.resolve(__dirname, '../../build/test/helpers/engines');

function timedCall(ok, f) {
  const t0 = process.hrtime.bigint();
  ok(f());
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Adds what became of container `id` to `e` (docker cannot exec into one that has exited). */
function withContainerState(docker, id, e) {
  let state;
  try {
    state = docker.inspect(id, '{{.State.Status}}, exit code {{.State.ExitCode}}, started {{.State.StartedAt}}, finished {{.State.FinishedAt}}{{if .State.Error}}, error: {{.State.Error}}{{end}}');
  } catch (e2) {
    state = `not inspectable: ${e2.message}`;
  }
  e.message += `\ncontainer ${id.slice(0, 12)}: ${state}`;
  return e;
}

/** Starts the engines; returns {rows, skipped: [why...]}. Needs BERTH_ENGINE_BERTH set first. */
function engineRows(wanted) {
  const skipped = [];
  let h;
  try {
    h = {
      ...require(path.join(helpers, 'docker.js')),
      ...require(path.join(helpers, 'containerd.js')),
      ...require(path.join(helpers, 'podman.js')),
      ...require(path.join(helpers, 'images.js')),
      ...require(path.join(helpers, 'run-cmd.js')),
      ...require(path.join(helpers, 'runtimes.js')),
    };
  } catch (e) {
    return { rows: [], skipped: [`engines: ${helpers} is not built (npm run build): ${e.message.split('\n')[0]}`] };
  }
  const { ok, imageName } = h;
  const engineRt = Object.fromEntries(h.runtimesUnderTest().map((r) => [r.name, r]));
  const only = Object.keys(engineRt);
  const target = { vs: 'runc', max: 1.0 };
  const rows = [];

  /** Starts `engine` unless none of its rows is wanted; false (and a reason) when it cannot. */
  const start = (engine, keys) => {
    if (!keys.some(wanted)) return false;
    const missing = engine.missing();
    if (missing) {
      skipped.push(`${engine.name}: ${missing}`);
      return false;
    }
    console.error(`bench: starting ${engine.name}`);
    onCleanup(`${engine.name} engine`, () => engine.stop());
    try {
      engine.start();
      return true;
    } catch (e) {
      skipped.push(`${engine.name}: did not start: ${e.message.split('\n').slice(0, 3).join(' ')}`);
      engine.stop();
      return false;
    }
  };

  const docker = new h.DockerEngine();
  if (start(docker, ['engine-docker-run', 'engine-docker-exec'])) {
    onCleanup('docker containers', () => docker.removeAll());
    rows.push({
      key: 'engine-docker-run', label: '`docker run --rm busybox true`', only, target,
      sample: (rt) => timedCall(ok, () => docker.docker([...docker.runArgs(engineRt[rt.name], '--rm'), imageName, 'true'])),
    });
    rows.push({
      key: 'engine-docker-exec', label: '`docker exec` of `true` into a running container', only, target,
      // Longer than any run (the helper's default sleep of 1000 s is not).
      // A full run on a loaded machine outlasted that 1000 s once: every exec then failed with
      // "Container ... is not running".
      setup: (rt) => docker.detached(engineRt[rt.name], ['sleep', '1000000']),
      sample: (rt, id) => {
        try {
          return timedCall(ok, () => docker.docker(['exec', id, 'true']));
        } catch (e) {
          throw withContainerState(docker, id, e);
        }
      },
    });
  }
  const ctrd = new h.ContainerdEngine();
  if (start(ctrd, ['engine-ctr-run'])) {
    let n = 0;
    rows.push({
      key: 'engine-ctr-run', label: '`ctr run --rm busybox true`', only, target,
      sample: (rt) => timedCall(ok, () => ctrd.ctr([...ctrd.runArgs(engineRt[rt.name], '--rm'), imageName, `bench-${process.pid}-${n++}`, 'true'])),
    });
  }
  const podman = new h.PodmanEngine();
  if (start(podman, ['engine-podman-run'])) {
    rows.push({
      key: 'engine-podman-run', label: '`podman run --rm busybox true`', only, target,
      sample: (rt) => timedCall(ok, () => podman.podman(engineRt[rt.name], [...podman.runArgs('--rm'), imageName, 'true'])),
    });
  }
  return { rows, skipped };
}

const engineRowKeys = ['engine-docker-run', 'engine-docker-exec', 'engine-ctr-run', 'engine-podman-run'];

module.exports = { engineRows, engineRowKeys };
