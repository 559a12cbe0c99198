// `berth check` decisions on fake hosts: what each kind of host gets told, and when the
// verdict is "cannot run containers here". The live host is covered in test/integration/check.test.ts.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkHost, hostReady, type Fact } from '../../src/host/facts.js';
import { checkJson, checkText } from '../../src/cli/commands/check.js';
import { detectLsm } from '../../src/host/lsm.js';
import { featuresDocument } from '../../src/cli/features-document.js';
import { EINVAL, ENOSYS, fakeHost, FULL_BOUNDING } from '../helpers/check-fake-host.js';
import { idmapRefusalHint } from '../../src/container/idmap-refusal.js';

const byName = (facts: Fact[], name: string): Fact => {
  const f = facts.find((x) => x.name === name);
  assert.ok(f, `no fact ${name} in ${facts.map((x) => x.name).join(' ')}`);
  return f!;
};

test('a modern v2 host: every fact ok except engines that are not installed, and ready', () => {
  const facts = checkHost(fakeHost());
  assert.ok(hostReady(facts));
  for (const f of facts) {
    if (['containerd', 'dockerd', 'podman'].includes(f.name)) assert.is(f.status, 'missing', f.name);
    else assert.is(f.status, 'ok', `${f.name}: ${f.detail}`);
  }
  assert.match(byName(facts, 'cgroup-mode').detail, /^v2/);
  assert.match(byName(facts, 'cgroup-controllers').detail, /cpu io memory/);
});

test('a v2 host with a read-only cgroup mount cannot create cgroups: not ready', () => {
  const facts = checkHost(fakeHost({ readOnly: ['/sys/fs/cgroup'] }));
  const f = byName(facts, 'cgroup-create');
  assert.is(f.status, 'missing');
  assert.ok(f.fatal);
  assert.not.ok(hostReady(facts));
});

test('no cgroups mounted at all: not ready', () => {
  const facts = checkHost(fakeHost({ layout: undefined }));
  assert.is(byName(facts, 'cgroups').status, 'missing');
  assert.not.ok(hostReady(facts));
});

test('a hybrid host names both halves and the controllers in each', () => {
  const layout = {
    version: 1 as const,
    hierarchies: [
      { mountPoint: '/sys/fs/cgroup/memory', root: '/', controllers: ['memory'] },
      { mountPoint: '/sys/fs/cgroup/pids', root: '/', controllers: ['pids'] },
    ],
    unified: { mountPoint: '/sys/fs/cgroup/unified', root: '/', controllers: [] },
  };
  const facts = checkHost(fakeHost({ layout, files: { '/sys/fs/cgroup/unified/cgroup.controllers': 'hugetlb\n' } }));
  assert.match(byName(facts, 'cgroup-mode').detail, /^hybrid/);
  const ctl = byName(facts, 'cgroup-controllers');
  assert.match(ctl.detail, /v1: memory pids; v2 \(\/sys\/fs\/cgroup\/unified\): hugetlb/);
  assert.is(ctl.status, 'warn', 'cpu, devices and freezer are missing');
  assert.match(ctl.advice, /cpu, devices, freezer/);
  assert.is(byName(facts, 'clone-into-cgroup').status, 'ok');
});

test('AppArmor and SELinux enabled: applied, and features says so for this host', () => {
  const host = fakeHost({ files: { '/sys/module/apparmor/parameters/enabled': 'Y\n', '/sys/fs/selinux/enforce': '1\n' } });
  const facts = checkHost(host);
  const features = featuresDocument('x', detectLsm(host)).linux as { apparmor: { enabled: boolean }; selinux: { enabled: boolean } };
  assert.is(features.apparmor.enabled, true);
  assert.is(features.selinux.enabled, true);
  assert.equal([byName(facts, 'apparmor').status, byName(facts, 'apparmor').detail], ['ok', 'enabled']);
  assert.match(byName(facts, 'apparmor').advice, '/proc/thread-self/attr/exec');
  assert.equal([byName(facts, 'selinux').status, byName(facts, 'selinux').detail], ['ok', 'enforcing']);
  assert.ok(hostReady(facts));
});

test('AppArmor and SELinux absent: features says disabled, check says what happens to a profile or label', () => {
  const host = fakeHost({ files: { '/sys/module/apparmor/parameters/enabled': 'N\n' } });
  const facts = checkHost(host);
  const features = featuresDocument('x', detectLsm(host)).linux as { apparmor: { enabled: boolean }; selinux: { enabled: boolean } };
  assert.is(features.apparmor.enabled, false);
  assert.is(features.selinux.enabled, false);
  assert.match(byName(facts, 'apparmor').advice, 'refused');
  assert.match(byName(facts, 'selinux').advice, 'skipped with a warning');
});

test('an old kernel (5.10) without mount_setattr: idmapped mounts missing, still ready', () => {
  const facts = checkHost(fakeHost({ files: { '/proc/sys/kernel/osrelease': '5.10.0-28-amd64\n' }, kernel: { mount_setattr: ENOSYS } }));
  assert.is(byName(facts, 'kernel').status, 'warn');
  assert.is(byName(facts, 'mount_setattr').status, 'missing');
  assert.is(byName(facts, 'idmapped-mounts').status, 'missing');
  assert.ok(hostReady(facts));
});

test('Debian 12\'s 6.1: idmapped mounts ok, but the fact says tmpfs sources need Linux 6.3', () => {
  const old = byName(checkHost(fakeHost({ files: { '/proc/sys/kernel/osrelease': '6.1.0-56-amd64\n' } })), 'idmapped-mounts');
  assert.is(old.status, 'ok');
  assert.match(old.detail, 'not on tmpfs before Linux 6.3 (this is 6.1.0-56-amd64)');
  const recent = byName(checkHost(fakeHost({ files: { '/proc/sys/kernel/osrelease': '6.3.0\n' } })), 'idmapped-mounts');
  assert.not.match(recent.detail, 'tmpfs');
});

test('an idmapped bind refused with EINVAL: the hint names tmpfs and the kernel before 6.3, the filesystem otherwise', () => {
  assert.is(idmapRefusalHint(0x01021994, '6.1.0-56-amd64'), 'the source is on tmpfs, which allows idmapped mounts from Linux 6.3 on; this kernel is 6.1.0-56-amd64');
  assert.is(idmapRefusalHint(0x01021994, '6.18.44'), undefined, 'tmpfs is not the reason on 6.3 and later');
  assert.match(idmapRefusalHint(0x01021997, '6.1.0')!, 'the source is on 9p, which may not allow idmapped mounts');
  assert.match(idmapRefusalHint(0x1234, '6.1.0')!, 'filesystem type 0x1234');
});

test('a kernel without clone3 or openat2 cannot run berth', () => {
  for (const probe of ['clone3', 'openat2', 'close_range'] as const) {
    const facts = checkHost(fakeHost({ kernel: { [probe]: ENOSYS } }));
    assert.not.ok(hostReady(facts), probe);
  }
  assert.not.ok(hostReady(checkHost(fakeHost({ files: { '/proc/sys/kernel/osrelease': '4.19.0\n' } }))));
});

test('CLONE_INTO_CGROUP unknown (EINVAL): a warning on v2, harmless on v1', () => {
  const v2 = byName(checkHost(fakeHost({ kernel: { clone_into_cgroup: EINVAL } })), 'clone-into-cgroup');
  assert.is(v2.status, 'warn');
  const v1 = byName(checkHost(fakeHost({ kernel: { clone_into_cgroup: EINVAL }, layout: { version: 1, hierarchies: [{ mountPoint: '/sys/fs/cgroup/pids', root: '/', controllers: ['pids'] }] } })), 'clone-into-cgroup');
  assert.is(v1.status, 'missing');
  assert.match(v1.advice, /not needed/);
});

test('seccomp notify: reported as features reports it, missing where the kernel lacks it', () => {
  const actions = (featuresDocument('x').linux as { seccomp: { actions: string[] } }).seccomp.actions;
  assert.ok(actions.includes('SCMP_ACT_NOTIFY'));
  assert.is(byName(checkHost(fakeHost()), 'seccomp-notify').status, 'ok');
  assert.is(byName(checkHost(fakeHost({ kernel: { seccomp_notify: EINVAL } })), 'seccomp-notify').status, 'missing');
  const noSeccomp = checkHost(fakeHost({ files: { '/proc/self/status': `CapBnd:\t${FULL_BOUNDING}\n` } }));
  assert.is(byName(noSeccomp, 'seccomp').status, 'missing');
});

test('user namespaces: disabled by sysctl, and root-only on Debian', () => {
  assert.is(byName(checkHost(fakeHost({ files: { '/proc/sys/user/max_user_namespaces': '0\n' } })), 'user-namespaces').status, 'missing');
  const f = byName(checkHost(fakeHost({ files: { '/proc/sys/kernel/unprivileged_userns_clone': '0\n' } })), 'unprivileged-userns');
  assert.is(f.status, 'warn');
  assert.match(f.detail, /unprivileged_userns_clone = 0/);
});

test('capabilities missing from the bounding set are named', () => {
  // CAP_SYS_RESOURCE is bit 24, CAP_SYS_MODULE bit 16.
  const bnd = (BigInt('0x' + FULL_BOUNDING) & ~(1n << 24n) & ~(1n << 16n)).toString(16);
  const f = byName(checkHost(fakeHost({ files: { '/proc/self/status': `CapBnd:\t${bnd}\nSeccomp:\t0\n` } })), 'capabilities');
  assert.is(f.status, 'warn');
  assert.match(f.detail, /CAP_SYS_MODULE CAP_SYS_RESOURCE$/);
});

test('no overlayfs: a warning for engines', () => {
  assert.is(byName(checkHost(fakeHost({ files: { '/proc/filesystems': 'nodev\tsysfs\n' } })), 'overlayfs').status, 'warn');
});

test('engines: installed but not registered warns; registered in its config is ok', () => {
  const programs = { containerd: '/usr/bin/containerd', dockerd: '/usr/bin/dockerd', podman: '/usr/bin/podman' };
  const bare = checkHost(fakeHost({ programs, files: { '/etc/docker/daemon.json': '{"runtimes": {"crun": {"path": "/usr/bin/crun"}}}' } }));
  for (const e of ['containerd', 'dockerd', 'podman']) assert.is(byName(bare, e).status, 'warn', e);
  const registered = checkHost(fakeHost({
    programs,
    files: {
      '/etc/docker/daemon.json': '{"runtimes": {"berth": {"path": "/usr/local/bin/berth"}}}',
      '/etc/containerd/config.toml': '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.berth.options]\n  BinaryName = "/usr/local/bin/berth"\n',
      '/etc/containers/containers.conf': '[engine.runtimes]\nberth = ["/usr/local/bin/berth"]\n',
    },
  }));
  for (const e of ['containerd', 'dockerd', 'podman']) assert.is(byName(registered, e).status, 'ok', e);
});

test('not root: not ready', () => {
  const facts = checkHost(fakeHost({ euid: 1000 }));
  assert.is(byName(facts, 'root').status, 'missing');
  assert.not.ok(hostReady(facts));
});

test('text output: one line per fact with its status first, then the verdict; json carries the same', () => {
  const facts = checkHost(fakeHost());
  const lines = checkText(facts, true).trimEnd().split('\n');
  assert.is(lines.length, facts.length + 1);
  for (const [i, f] of facts.entries()) assert.ok(lines[i]!.startsWith(`${f.status.padEnd(7)} ${f.name}`), lines[i]);
  const doc = JSON.parse(checkJson(facts, true));
  assert.is(doc.ready, true);
  assert.is(doc.facts.length, facts.length);
  assert.equal(Object.keys(doc.facts[0]).sort(), ['advice', 'detail', 'name', 'required', 'status']);
});

test.run();
