import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/errors.js';
import { normalizeDashes, parseFlags, splitCommand } from '../../src/cli/args.js';
import { formatLine } from '../../src/cli/log.js';
import { parseSignal } from '../../src/cli/signals.js';
import { formatTable } from '../../src/cli/commands/list.js';

test('global flags come before the command; one-dash long options work like two', () => {
  const s = splitCommand(['-root', '/r', '--log', 'x.json', '--log-format', 'json', 'create', '--bundle', 'b', 'id'], ['root', 'log', 'log-format']);
  assert.equal(s.global, ['--root', '/r', '--log', 'x.json', '--log-format', 'json']);
  assert.is(s.command, 'create');
  assert.equal(s.rest, ['--bundle', 'b', 'id']);
  assert.equal(normalizeDashes(['-no-subreaper', '-d', '-9', '--x']), ['--no-subreaper', '-d', '-9', '--x']);
});

test('command flags: strings, booleans, aliases, and unknown flags are errors', () => {
  const p = parseFlags(['-b', '/bundle', '--preserve-fds', '2', '-d', 'id'], { string: ['bundle', 'preserve-fds'], boolean: ['detach'], alias: { b: 'bundle', d: 'detach' } }, 'run');
  assert.is(p.flags.bundle, '/bundle');
  assert.is(p.flags['preserve-fds'], '2');
  assert.is(p.flags.detach, true);
  assert.equal(p.positional, ['id']);
  assert.throws(() => parseFlags(['--bogus', 'id'], {}, 'start'), (e: unknown) => e instanceof UsageError && /bogus/.test((e as Error).message));
});

test('runc flags named no-X are flags of their own, not negations', () => {
  const p = parseFlags(['--no-pivot', '-no-new-keyring', 'id'], { boolean: ['no-pivot', 'no-new-keyring'] }, 'create');
  assert.is(p.flags['no-pivot'], true);
  assert.is(p.flags['no-new-keyring'], true);
  assert.equal(p.positional, ['id']);
});

test('signals: names with or without SIG, any case, or numbers', () => {
  assert.is(parseSignal('TERM'), 15);
  assert.is(parseSignal('SIGKILL'), 9);
  assert.is(parseSignal('hup'), 1);
  assert.is(parseSignal('9'), 9);
  assert.throws(() => parseSignal('SIGNOPE'), (e: unknown) => e instanceof UsageError);
  assert.throws(() => parseSignal('99'), (e: unknown) => e instanceof UsageError);
});

test('json log lines carry lower-case level, msg and time', () => {
  const line = JSON.parse(formatLine('error', 'boom', 'json', new Date(0)));
  assert.equal(line, { level: 'error', msg: 'boom', time: '1970-01-01T00:00:00.000Z' });
  assert.match(formatLine('warning', 'x "y"', 'text', new Date(0)), 'level=warning msg="x \\"y\\""');
});

test('list table: columns padded like runc tabwriter', () => {
  const t = formatTable([['ID', 'PID'], ['a-long-container-id', '1']]);
  assert.is(t, 'ID' + ' '.repeat(20) + 'PID\n' + 'a-long-container-id' + ' '.repeat(3) + '1\n');
});

test.run();
