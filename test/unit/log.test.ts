// Log lines in runc's shapes, where they go (--log file vs stderr), and --debug.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, formatHuman, formatLine } from '../../src/cli/log.js';

const T = new Date('2026-11-22T13:42:48.123Z');

test('json lines: {"level","msg","time"} in that order, lower-case level, RFC 3339 time', () => {
  const line = formatLine('error', 'container x does not exist', 'json', T);
  assert.is(line, '{"level":"error","msg":"container x does not exist","time":"2026-11-22T13:42:48Z"}\n');
  assert.equal(Object.keys(JSON.parse(line)), ['level', 'msg', 'time']);
  assert.is(JSON.parse(formatLine('warning', 'a "quoted"\nline', 'json', T)).msg, 'a "quoted"\nline');
});

test('text lines: logrus key=value, quoting only values that need it', () => {
  assert.is(formatLine('error', 'container x does not exist', 'text', T), 'time="2026-11-22T13:42:48Z" level=error msg="container x does not exist"\n');
  assert.is(formatLine('debug', 'plain', 'text', T), 'time="2026-11-22T13:42:48Z" level=debug msg=plain\n');
  assert.is(formatLine('warning', 'say "hi"', 'text', T), 'time="2026-11-22T13:42:48Z" level=warning msg="say \\"hi\\""\n');
  assert.is(formatLine('info', '', 'text', T), 'time="2026-11-22T13:42:48Z" level=info msg=""\n');
});

test('terminal form', () => {
  assert.is(formatHuman('error', 'boom'), 'berth: boom\n');
  assert.is(formatHuman('warning', 'careful'), 'berth: warning: careful\n');
});

function tmpFile(): { file: string; done(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-log-'));
  return { file: path.join(dir, 'log.json'), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('with --log every line is appended to the file; only a fatal error is also printed bare on stderr', () => {
  const t = tmpFile();
  try {
    fs.writeFileSync(t.file, '{"level":"info","msg":"earlier","time":"x"}\n');
    let stderr = '';
    const log = createLogger({ file: t.file, format: 'json', debug: false, stderr: (s) => (stderr += s), now: () => T });
    log.warn('w');
    log.error('e');
    log.debug('hidden');
    const lines = fs.readFileSync(t.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.map((l) => [l.level, l.msg]), [['info', 'earlier'], ['warning', 'w'], ['error', 'e']]);
    assert.is(stderr, '');
    log.fatal('the end');
    assert.is(stderr, 'the end\n');
    assert.is(JSON.parse(fs.readFileSync(t.file, 'utf8').trim().split('\n').at(-1)!).msg, 'the end');
  } finally {
    t.done();
  }
});

test('without --log: stderr, in the chosen format, human form on a terminal', () => {
  let stderr = '';
  const sink = (s: string) => (stderr += s);
  createLogger({ format: 'json', debug: false, stderr: sink, stderrIsTTY: true, now: () => T }).error('e1');
  createLogger({ format: 'text', debug: false, stderr: sink, stderrIsTTY: false, now: () => T }).error('e2');
  createLogger({ format: 'text', debug: false, stderr: sink, stderrIsTTY: true, now: () => T }).error('e3');
  assert.is(stderr, '{"level":"error","msg":"e1","time":"2026-11-22T13:42:48Z"}\ntime="2026-11-22T13:42:48Z" level=error msg=e2\nberth: e3\n');
});

test('debug lines only with --debug', () => {
  let stderr = '';
  const sink = (s: string) => (stderr += s);
  createLogger({ format: 'text', debug: false, stderr: sink, stderrIsTTY: true }).debug('no');
  assert.is(stderr, '');
  const log = createLogger({ format: 'text', debug: true, stderr: sink, stderrIsTTY: true });
  log.debug('yes');
  assert.ok(log.debugEnabled);
  assert.is(stderr, 'berth: debug: yes\n');
});

test('an unwritable --log falls back to stderr instead of losing the error', () => {
  let stderr = '';
  const log = createLogger({ file: '/nonexistent-dir/berth/log.json', format: 'json', debug: false, stderr: (s) => (stderr += s), now: () => T });
  log.fatal('the real error');
  const lines = stderr.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(lines.length, 2);
  assert.is(lines[0].level, 'warning');
  assert.match(lines[0].msg, '/nonexistent-dir/berth/log.json');
  assert.equal([lines[1].level, lines[1].msg], ['error', 'the real error']);
});

test('main with --log --log-format json: the error is a JSON line in the file and, bare, one line on stderr (as runc)', async () => {
  const t = tmpFile();
  try {
    const { main } = await import('../../src/cli/main.js');
    let stderr = '';
    let stdout = '';
    const status = await main(['--root', path.dirname(t.file), '--log', t.file, '--log-format', 'json', 'state', 'nosuch'], {
      out: (s) => (stdout += s), err: (s) => (stderr += s), cwd: () => '/',
    });
    assert.is(status, 1);
    assert.is(stdout, '');
    assert.is(stderr, 'container nosuch does not exist\n');
    const last = JSON.parse(fs.readFileSync(t.file, 'utf8').trim().split('\n').at(-1)!);
    assert.is(last.level, 'error');
    assert.is(last.msg, 'container nosuch does not exist');
    assert.match(last.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  } finally {
    t.done();
  }
});

test.run();
