// sys/posix-path.ts stands in for node:path.posix in the modules every short command loads:
// it must give node's results.

import nodePath from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ours from '../../src/sys/posix-path.js';

const P = nodePath.posix;
const SAMPLES = ['', '.', '..', '/', '//', '/a', '/a/', 'a', 'a/', 'a/b', '/a/b/c', '/a//b/./c/', '../a', 'a/../..', '/a/../..', '/../x', './a/./b', 'a/b/../../c', '/sys/fs/cgroup/cpu/berth/c1', 'x/..', '///a///b///', '//a', 'a//b', '/a//b', '//a/b/'];

test('join', () => {
  for (const a of SAMPLES) for (const b of SAMPLES) assert.is(ours.join(a, b), P.join(a, b), `join(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
  assert.is(ours.join('/r', 'c1', 'state.json'), P.join('/r', 'c1', 'state.json'));
  assert.is(ours.join(), P.join());
});

test('resolve (relative inputs against the working directory)', () => {
  for (const a of SAMPLES) {
    assert.is(ours.resolve(a), P.resolve(a), `resolve(${JSON.stringify(a)})`);
    for (const b of SAMPLES) assert.is(ours.resolve(a, b), P.resolve(a, b), `resolve(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
  }
  assert.is(ours.resolve('/', 'a', '/b', 'c'), P.resolve('/', 'a', '/b', 'c'));
});

test('normalize, dirname, basename, isAbsolute', () => {
  for (const a of SAMPLES) {
    assert.is(ours.normalize(a), P.normalize(a), `normalize(${JSON.stringify(a)})`);
    assert.is(ours.dirname(a), P.dirname(a), `dirname(${JSON.stringify(a)})`);
    assert.is(ours.basename(a), P.basename(a), `basename(${JSON.stringify(a)})`);
    assert.is(ours.isAbsolute(a), P.isAbsolute(a), `isAbsolute(${JSON.stringify(a)})`);
  }
});

test('relative', () => {
  for (const a of SAMPLES) for (const b of SAMPLES) assert.is(ours.relative(a, b), P.relative(a, b), `relative(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
});

test.run();
