// The conformance suite's pure parts: the catalogue is complete and consistent with the
// checks, and the parsers read what the kernel and the probe print.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { catalogue } from '../../conformance/catalogue.js';
import { allChecks } from '../../conformance/checks/index.js';
import { capMask, capNames, describeCaps, parseCapHex } from '../../conformance/lib/caps.js';
import { parseMountinfo, propagationOf, topMountAt } from '../../conformance/lib/mountinfo.js';
import { ProbeReport } from '../../conformance/lib/report.js';
import { announcedSpecVersion } from '../../conformance/lib/runtime.js';
import { closingLine } from '../../conformance/lib/table.js';

const checkIds = new Set(allChecks.map((c) => c.id));

test('catalogue ids are unique', () => {
  const seen = new Set<string>();
  for (const r of catalogue) {
    assert.not.ok(seen.has(r.id), `duplicate requirement ${r.id}`);
    seen.add(r.id);
  }
});

test('every requirement has checks or a reason, not both', () => {
  for (const r of catalogue) {
    const hasChecks = (r.checks?.length ?? 0) > 0;
    const hasReason = !!r.unobservable?.trim();
    assert.ok(hasChecks !== hasReason, `${r.id}: needs exactly one of checks / unobservable`);
    assert.ok(r.requirement.length > 10, `${r.id}: requirement text missing`);
  }
});

test('every check a requirement names exists', () => {
  for (const r of catalogue) for (const c of r.checks ?? []) assert.ok(checkIds.has(c), `${r.id} names unknown check ${c}`);
});

test('every check observes at least one requirement', () => {
  const named = new Set(catalogue.flatMap((r) => r.checks ?? []));
  for (const id of checkIds) assert.ok(named.has(id), `check ${id} is in no catalogue entry`);
});

test('check ids follow area.name', () => {
  for (const id of checkIds) assert.match(id, /^[a-z-]+\.[a-z0-9.-]+$/);
});

const MOUNTINFO = [
  '22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '23 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
  '24 22 0:23 / /mnt\\040space ro,relatime master:7 - tmpfs tmpfs ro,size=1024k,mode=711',
  '25 22 0:24 / /mnt\\040space rw,relatime shared:3 master:7 - tmpfs second rw',
  '26 22 0:25 / /u rw unbindable - tmpfs t rw,sync',
].join('\n');

test('parseMountinfo reads options, propagation tags and escaped paths', () => {
  const m = parseMountinfo(MOUNTINFO);
  assert.is(m.length, 5);
  assert.is(m[1].mountPoint, '/proc');
  assert.equal(m[1].options, ['rw', 'nosuid', 'nodev', 'noexec', 'relatime']);
  assert.is(m[2].mountPoint, '/mnt space');
  assert.equal(m[2].superOptions, ['ro', 'size=1024k', 'mode=711']);
  assert.is(topMountAt(m, '/mnt space')?.source, 'second');
  assert.is(propagationOf(m[0]), 'shared');
  assert.is(propagationOf(m[1]), 'private');
  assert.is(propagationOf(m[2]), 'slave');
  assert.is(propagationOf(m[3]), 'shared+slave');
  assert.is(propagationOf(m[4]), 'unbindable');
});

test('ProbeReport keeps repeated keys in order and parses path results', () => {
  const r = new ProbeReport('pid=1\nenv=A=1\nenv=B=x=y\nstat /dev/null type=char mode=0666 major=1 minor=3\nwrite /x errno=30\n');
  assert.is(r.get('pid'), '1');
  assert.equal(r.all('env'), ['A=1', 'B=x=y']);
  assert.equal(r.pathResult('stat', '/dev/null'), { type: 'char', mode: '0666', major: '1', minor: '3' });
  assert.is(r.pathResult('write', '/x')?.errno, '30');
  assert.is(r.pathResult('read', '/x'), undefined);
});

test('capability masks match /proc/PID/status', () => {
  // Docker's default set, as CapEff shows it.
  assert.is(capMask(['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']), 0x421n);
  assert.is(parseCapHex('00000000a80425fb'), 0xa80425fbn);
  assert.equal(capNames(0x21n), ['CAP_CHOWN', 'CAP_KILL']);
  assert.is(describeCaps(0n), 'none');
  assert.throws(() => capMask(['CAP_NOT_REAL']));
});

test('announcedSpecVersion reads the spec line of --version', () => {
  assert.is(announcedSpecVersion('runc version 1.1.5\ncommit: x\nspec: 1.0.2-dev\ngo: go1.19'), '1.0.2-dev');
  assert.is(announcedSpecVersion('crun version 1.8.1\nspec: 1.0.0\n+SYSTEMD'), '1.0.0');
  assert.is(announcedSpecVersion('something 1.0'), undefined);
});

test('closingLine counts results', () => {
  const r = (status: 'pass' | 'fail' | 'skip') => ({ id: 'a.b', title: '', status, ms: 0 });
  assert.is(closingLine([r('pass'), r('pass'), r('fail'), r('skip')]), '2 passed, 1 failed, 1 skipped');
});

test.run();
