// The bundles every runtime runs: one busybox rootfs (bundles/build-rootfs.sh) shared by
// absolute path, and config.json files that differ only in what a row needs. ociVersion
// 1.0.2-dev for all: crun 1.8.1 rejects 1.2 and later.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '../..');
const dockerConfig = path.join(repoRoot, 'test/fixtures/engine-configs/docker-run-d.config.json');

/** Builds the rootfs in work/rootfs with /m/0 .. /m/(maxMounts-1) as mount points. */
function buildRootfs(work, maxMounts) {
  const rootfs = path.join(work, 'rootfs');
  execFileSync(path.join(repoRoot, 'bundles/build-rootfs.sh'), [rootfs], { stdio: 'ignore' });
  for (let i = 0; i < maxMounts; i++) fs.mkdirSync(path.join(rootfs, 'm', String(i)), { recursive: true });
  const source = path.join(work, 'mount-source');
  fs.mkdirSync(source, { recursive: true });
  fs.writeFileSync(path.join(source, 'file'), 'bench\n');
  return { rootfs, source };
}

/** A copy of the rootfs in work/name (cp -a: symlinks and modes as they are). */
function copyRootfs(work, rootfs, name) {
  const dest = path.join(work, name);
  execFileSync('cp', ['-a', rootfs, dest], { stdio: 'ignore' });
  return dest;
}

/** The base config: runc's default spec trimmed to what every runtime here accepts. */
function baseConfig(rootfs, args) {
  return {
    ociVersion: '1.0.2-dev',
    process: {
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'],
      cwd: '/',
      capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
      noNewPrivileges: true,
    },
    root: { path: rootfs, readonly: true },
    hostname: 'bench',
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    linux: { namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }] },
  };
}

/** Docker's default seccomp profile as dockerd hands it to a runtime (recorded in test/fixtures). */
function dockerSeccomp() {
  return JSON.parse(fs.readFileSync(dockerConfig, 'utf8')).linux.seccomp;
}

/** The base config running /bin/true, with Docker's seccomp profile and `n` read-only bind mounts. */
function mountsConfig(fsys, n) {
  const c = baseConfig(fsys.rootfs, ['/bin/true']);
  c.linux.seccomp = dockerSeccomp();
  for (let i = 0; i < n; i++) c.mounts.push({ destination: `/m/${i}`, type: 'bind', source: fsys.source, options: ['rbind', 'ro'] });
  return c;
}

/** Writes work/bundles/<name>/config.json and returns the bundle dir. */
function writeBundle(work, name, config) {
  const dir = path.join(work, 'bundles', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

module.exports = { buildRootfs, copyRootfs, baseConfig, dockerSeccomp, mountsConfig, writeBundle };
