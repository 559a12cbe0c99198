// What the numbers were measured on: they only mean something next to the machine, its load
// and the versions of what ran.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');

function firstLine(cmd) {
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? (r.stdout || r.stderr).split('\n')[0].trim() : undefined;
}

function cgroupLayout() {
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) return 'cgroup v2';
  if (fs.existsSync('/sys/fs/cgroup/unified')) return 'hybrid (cgroup v1 controllers + cgroup2 at /sys/fs/cgroup/unified)';
  return 'cgroup v1';
}

/** Facts about the machine; `load` is os.loadavg() when called (call again at the end). */
function describeMachine(runtimes, bun, withEngines) {
  const cpus = os.cpus();
  const m = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    kernel: `${os.type()} ${os.release()}`,
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    cgroups: cgroupLayout(),
    loadStart: os.loadavg(),
    versions: Object.fromEntries(runtimes.map((r) => [r.name, r.version])),
  };
  m.versions.bun = bun;
  if (withEngines) {
    for (const [name, cmd] of Object.entries({ docker: ['/usr/bin/docker', '--version'], containerd: ['/usr/bin/containerd', '--version'], podman: ['/usr/bin/podman', '--version'] })) {
      const v = fs.existsSync(cmd[0]) && firstLine(cmd);
      if (v) m.versions[name] = v;
    }
  }
  return m;
}

module.exports = { describeMachine };
