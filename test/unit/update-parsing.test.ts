// update's and events' value syntaxes (runc's: docker's RAMInBytes, Go's ParseUint/ParseInt,
// time.ParseDuration), the flags turned into a resources change, the --resources document
// checked, and the merge over what the container has.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDurationMs, parseInt64, parseIntFlag, parseRamInBytes, parseUint64 } from '../../src/cli/units.js';
import { changeFromFlags, refuseIntelRdt } from '../../src/cli/update-flags.js';
import { isEmptyChange, mergeUpdate, pickUpdateFields } from '../../src/container/update-resources.js';

test('sizes: bytes, k/m/g/t/p in any case with optional i and b, decimals, one space', () => {
  assert.is(parseRamInBytes('4096'), 4096);
  assert.is(parseRamInBytes('512k'), 512 * 1024);
  assert.is(parseRamInBytes('64M'), 64 * 1024 ** 2);
  assert.is(parseRamInBytes('1g'), 1024 ** 3);
  assert.is(parseRamInBytes('1.5GiB'), 1.5 * 1024 ** 3);
  assert.is(parseRamInBytes('100 mb'), 100 * 1024 ** 2);
  assert.is(parseRamInBytes('2KB'), 2048);
  assert.is(parseRamInBytes('1t'), 1024 ** 4);
  for (const bad of ['1zz', '', '-2', 'm', '1 g b', '1gg', ' 1g', '0x10']) {
    assert.throws(() => parseRamInBytes(bad), (e: Error) => e.message === `invalid size: '${bad}'`, bad);
  }
});

test('integers as Go parses them, with its wording', () => {
  assert.is(parseUint64('100000'), 100000);
  assert.throws(() => parseUint64('-1'), /strconv.ParseUint: parsing "-1": invalid syntax/);
  assert.throws(() => parseUint64('abc'), /strconv.ParseUint: parsing "abc": invalid syntax/);
  assert.throws(() => parseUint64('18446744073709551616'), /value out of range/);
  assert.is(parseInt64('-1'), -1);
  assert.is(parseInt64('+5'), 5);
  assert.throws(() => parseInt64('1.5'), /strconv.ParseInt: parsing "1.5": invalid syntax/);
  assert.throws(() => parseInt64('9223372036854775808'), /value out of range/);
  assert.is(parseIntFlag('pids-limit', '-3'), -3);
  assert.throws(() => parseIntFlag('pids-limit', '1k'), /invalid value "1k" for flag -pids-limit: parse error/);
});

test('durations as Go time.ParseDuration, in ms', () => {
  assert.is(parseDurationMs('5s'), 5000);
  assert.is(parseDurationMs('100ms'), 100);
  assert.is(parseDurationMs('1m30s'), 90_000);
  assert.is(parseDurationMs('1.5h'), 5_400_000);
  assert.is(parseDurationMs('250us'), 0.25);
  assert.is(parseDurationMs('0'), 0);
  assert.is(parseDurationMs('-1s'), -1000);
  for (const bad of ['0.5', '5', '', 's', '5x', '1s 2s']) {
    assert.throws(() => parseDurationMs(bad), /invalid value .* for flag -interval: parse error/, bad);
  }
});

const flags = (f: Record<string, string>) => (name: string) => f[name];

test('every update flag lands in its resources field', () => {
  const change = changeFromFlags(flags({
    'blkio-weight': '300', 'cpu-period': '100000', 'cpu-quota': '-1', 'cpu-share': '512', 'cpu-rt-period': '1000000',
    'cpu-rt-runtime': '950000', 'cpuset-cpus': '0-1', 'cpuset-mems': '0', memory: '100m', 'memory-reservation': '50m',
    'memory-swap': '-1', 'pids-limit': '33',
  }));
  assert.equal(change, {
    blockIO: { weight: 300 },
    pids: { limit: 33 },
    memory: { limit: 100 * 1024 ** 2, swap: -1, reservation: 50 * 1024 ** 2 },
    cpu: { cpus: '0-1', mems: '0', period: 100000, realtimePeriod: 1000000, shares: 512, quota: -1, realtimeRuntime: 950000 },
  });
  assert.ok(isEmptyChange(changeFromFlags(flags({}))));
});

test('a bad flag value is refused with runc\'s wording', () => {
  assert.throws(() => changeFromFlags(flags({ memory: '1zz' })), (e: Error) => e.message === "invalid value for memory: invalid size: '1zz'");
  assert.throws(() => changeFromFlags(flags({ 'cpu-share': 'abc' })), /invalid value for cpu-share: strconv.ParseUint: parsing "abc": invalid syntax/);
  assert.throws(() => changeFromFlags(flags({ 'cpu-quota': '1.5' })), /invalid value for cpu-quota/);
  assert.throws(() => changeFromFlags(flags({ 'blkio-weight': 'x' })), /for flag -blkio-weight: parse error/);
  assert.throws(() => refuseIntelRdt(flags({ 'l3-cache-schema': 'L3:0=f' })), /--l3-cache-schema: Intel RDT is not supported/);
  assert.throws(() => refuseIntelRdt(flags({ 'mem-bw-schema': 'MB:0=50' })), /--mem-bw-schema: Intel RDT is not supported/);
});

test('--resources: docker\'s document is taken; wrong types name the field; other members are ignored', () => {
  const docker = { memory: { limit: 134217728, reservation: 0, swap: 268435456, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 }, devices: [{ allow: false }] };
  assert.equal(pickUpdateFields(docker, '-'), { memory: { limit: 134217728, reservation: 0, swap: 268435456, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 } });
  assert.throws(() => pickUpdateFields({ memory: { limit: '1g' } }, '--resources -'), /--resources - \/memory\/limit: not an integer/);
  assert.throws(() => pickUpdateFields({ cpu: { cpus: 1 } }, 'f'), /f \/cpu\/cpus: not a string/);
  assert.throws(() => pickUpdateFields([], 'f'), /not a JSON object/);
  assert.throws(() => pickUpdateFields({ unified: { 'memory.max': 5 } }, 'f'), /\/unified: not an object of strings/);
});

test('merge: 0 and "" keep the current value; quota alone keeps the period; unified keys add up', () => {
  const base = { memory: { limit: 100, swap: 200 }, cpu: { quota: 50000, period: 100000, cpus: '0' }, pids: { limit: 10 }, unified: { 'a.b': '1' } };
  const merged = mergeUpdate(base, { memory: { limit: 150, swap: 0, reservation: 0 }, cpu: { quota: 20000, period: 0, cpus: '' }, pids: { limit: 0 }, unified: { 'c.d': '2' } });
  assert.equal(merged, { memory: { limit: 150, swap: 200 }, cpu: { quota: 20000, period: 100000, cpus: '0' }, pids: { limit: 10 }, unified: { 'a.b': '1', 'c.d': '2' } });
  assert.equal(mergeUpdate({}, { memory: { limit: -1 } }), { memory: { limit: -1 } });
});

test.run();
