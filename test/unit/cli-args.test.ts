// Argument parsing with runc's (Go flag + urfave/cli v1) rules, and main()'s dispatch: global
// flags, usage errors and their exit statuses, all without root.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/errors.js';
import { checkArgCount, parseCommandArgs, parseGlobalArgs, type FlagDef } from '../../src/cli/args.js';
import { GLOBAL_FLAGS, main, type MainIo } from '../../src/cli/main.js';
import { CREATE_FLAGS } from '../../src/cli/commands/create.js';

const RUN_FLAGS: FlagDef[] = [...CREATE_FLAGS, { name: 'detach', short: 'd', type: 'bool', help: '' }, { name: 'keep', type: 'bool', help: '' }];

function usageError(pattern: RegExp) {
  return (e: unknown) => e instanceof UsageError && pattern.test((e as Error).message);
}

test('global flags come before the command, with one dash or two, = or a separate value', () => {
  const g = parseGlobalArgs(['-root', '/r', '--log=x.json', '--log-format', 'json', '-debug', 'create', '--bundle', 'b', 'id'], GLOBAL_FLAGS);
  assert.equal(g.flags, { root: '/r', log: 'x.json', 'log-format': 'json', debug: true });
  assert.is(g.command, 'create');
  assert.equal(g.rest, ['--bundle', 'b', 'id']);
});

test('global parsing stops at the command: later flags belong to the command', () => {
  const g = parseGlobalArgs(['list', '--root', '/x'], GLOBAL_FLAGS);
  assert.equal(g.flags, {});
  assert.is(g.command, 'list');
  assert.equal(g.rest, ['--root', '/x']);
  assert.throws(() => parseGlobalArgs(['--bogus', 'list'], GLOBAL_FLAGS), usageError(/^flag provided but not defined: -bogus$/));
  assert.throws(() => parseGlobalArgs(['--root'], GLOBAL_FLAGS), usageError(/^flag needs an argument: -root$/));
});

test('single-dash long options and double-dash short ones are the same flag', () => {
  for (const args of [['-no-pivot', '-bundle', '/b', 'id'], ['--no-pivot', '--b', '/b', 'id'], ['-b=/b', '--no-pivot=true', 'id']]) {
    const p = parseCommandArgs(args, CREATE_FLAGS);
    assert.equal(p.flags, { 'no-pivot': true, bundle: '/b' }, args.join(' '));
    assert.equal(p.positional, ['id']);
  }
});

test('flags named no-X are flags of their own, not negations of X', () => {
  const p = parseCommandArgs(['--no-new-keyring', 'id'], CREATE_FLAGS);
  assert.equal(p.flags, { 'no-new-keyring': true });
});

test('a value-taking flag takes the next argument even when it starts with a dash', () => {
  const p = parseCommandArgs(['--pid-file', '-odd-name', 'id'], CREATE_FLAGS);
  assert.is(p.flags['pid-file'], '-odd-name');
  assert.equal(p.positional, ['id']);
  assert.throws(() => parseCommandArgs(['id', '--pid-file'], CREATE_FLAGS), usageError(/^flag needs an argument: -pid-file$/));
});

test('--preserve-fds N: a non-negative integer, else runc\'s parse error', () => {
  assert.is(parseCommandArgs(['--preserve-fds', '2', 'id'], CREATE_FLAGS).flags['preserve-fds'], 2);
  assert.is(parseCommandArgs(['-preserve-fds=0', 'id'], CREATE_FLAGS).flags['preserve-fds'], 0);
  assert.is(parseCommandArgs(['--preserve-fds', '0x10', 'id'], CREATE_FLAGS).flags['preserve-fds'], 16);
  for (const bad of ['x', '-1', '1.5', '']) {
    assert.throws(() => parseCommandArgs(['--preserve-fds', bad, 'id'], CREATE_FLAGS), usageError(/^invalid value ".*" for flag -preserve-fds: parse error$/), bad);
  }
});

test('boolean flags take no separate value; =value must be a Go boolean', () => {
  const p = parseCommandArgs(['-d', 'true'], RUN_FLAGS);
  assert.equal(p.flags, { detach: true });
  assert.equal(p.positional, ['true']);
  assert.is(parseCommandArgs(['--detach=false', 'id'], RUN_FLAGS).flags.detach, false);
  assert.is(parseCommandArgs(['--detach=1', 'id'], RUN_FLAGS).flags.detach, true);
  assert.throws(() => parseCommandArgs(['--detach=yes', 'id'], RUN_FLAGS), usageError(/^invalid boolean value "yes" for -detach: parse error$/));
});

test('no bundling of one-letter flags: -dk is one unknown flag', () => {
  assert.throws(() => parseCommandArgs(['-dk', 'id'], RUN_FLAGS), usageError(/^flag provided but not defined: -dk$/));
});

test('known flags may follow the id; an unknown dash argument after it is positional', () => {
  const del: FlagDef[] = [{ name: 'force', short: 'f', type: 'bool', help: '' }];
  const p = parseCommandArgs(['c1', '--force'], del);
  assert.equal(p.flags, { force: true });
  assert.equal(p.positional, ['c1']);
  const kill: FlagDef[] = [{ name: 'all', short: 'a', type: 'bool', help: '' }];
  assert.equal(parseCommandArgs(['c1', '-9'], kill).positional, ['c1', '-9']);
  assert.throws(() => parseCommandArgs(['--bogus', 'c1'], kill), usageError(/^flag provided but not defined: -bogus$/));
});

test('rawTail (ps): everything after the id is positional, known flags included', () => {
  const ps: FlagDef[] = [{ name: 'format', short: 'f', type: 'string', help: '' }];
  const p = parseCommandArgs(['-f', 'json', 'c1', '-f', '-o', 'pid', '--help'], ps, true);
  assert.equal(p.flags, { format: 'json' });
  assert.equal(p.positional, ['c1', '-f', '-o', 'pid', '--help']);
  assert.equal(parseCommandArgs(['c1', '-f', 'x'], ps).flags, { format: 'x' }, 'without rawTail a known flag after the id is a flag');
});

test('"--" ends the flags; "-" alone is an argument', () => {
  const p = parseCommandArgs(['--', '--force', '-'], [{ name: 'force', type: 'bool', help: '' }]);
  assert.equal(p.flags, {});
  assert.equal(p.positional, ['--force', '-']);
  assert.equal(parseCommandArgs(['-'], []).positional, ['-']);
  assert.throws(() => parseCommandArgs(['---x'], []), usageError(/^bad flag syntax: ---x$/));
});

test('numeric arguments stay strings (kill ID 15)', () => {
  const p = parseCommandArgs(['c1', '15'], []);
  assert.equal(p.positional, ['c1', '15']);
  assert.type(p.positional[1], 'string');
});

test('argument counts use runc\'s wording', () => {
  assert.throws(() => checkArgCount('state', [], { min: 1, max: 1 }), usageError(/^"state" requires exactly 1 argument\(s\)/));
  assert.throws(() => checkArgCount('kill', [], { min: 1, max: 2 }), usageError(/^"kill" requires a minimum of 1 argument\(s\)/));
  assert.throws(() => checkArgCount('kill', ['a', 'b', 'c'], { min: 1, max: 2 }), usageError(/^"kill" requires a maximum of 2 argument\(s\)/));
  checkArgCount('kill', ['a', 'KILL'], { min: 1, max: 2 });
});

// main() with captured output: exit statuses and messages of the usage errors.

interface Run {
  status: number;
  out: string;
  err: string;
}

async function berth(argv: string[], cwd = os.tmpdir()): Promise<Run> {
  let out = '';
  let err = '';
  const io: MainIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: () => cwd, stderrIsTTY: false };
  const status = await main(argv, io);
  return { status, out, err };
}

function errorMessage(r: Run): string {
  const m = /level=error msg=(".*")$/m.exec(r.err);
  assert.ok(m, `an error line in ${JSON.stringify(r.err)}`);
  return JSON.parse(m![1]!) as string;
}

test('main: unknown flags and missing ids exit 1 with a message naming them', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-args-'));
  try {
    const unknownGlobal = await berth(['--root', root, '--frob', 'list']);
    assert.is(unknownGlobal.status, 1);
    assert.is(errorMessage(unknownGlobal), 'flag provided but not defined: -frob');
    const unknownFlag = await berth(['--root', root, 'delete', '--frob', 'c1']);
    assert.is(unknownFlag.status, 1);
    assert.is(errorMessage(unknownFlag), 'flag provided but not defined: -frob');
    for (const cmd of ['create', 'start', 'state', 'delete', 'kill', 'run', 'ps', 'pause', 'resume', 'update', 'events']) {
      const r = await berth(['--root', root, cmd]);
      assert.is(r.status, 1, cmd);
      assert.match(errorMessage(r), `"${cmd}" requires`);
      assert.is(r.out, '', 'usage errors print nothing on stdout (it may be a container pipe)');
    }
    const bad = await berth(['--root', root, 'state', '../x']);
    assert.is(bad.status, 1);
    assert.match(errorMessage(bad), 'invalid container ID format');
    assert.equal(fs.readdirSync(root), [], 'nothing was created under --root');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('main: unknown and not-yet-supported commands exit 1 with a clear message', async () => {
  const unknown = await berth(['frobnicate']);
  assert.is(unknown.status, 1);
  assert.match(errorMessage(unknown), 'unknown command "frobnicate"');
  for (const cmd of ['checkpoint', 'restore']) {
    const r = await berth([cmd, 'c1']);
    assert.is(r.status, 1, cmd);
    assert.is(errorMessage(r), `${cmd} is not supported yet`);
  }
});

test('main: exec failures exit 255 with runc\'s "exec failed:" prefix; bad --user is named', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-args-'));
  try {
    const missing = await berth(['--root', root, 'exec', 'c1', 'true']);
    assert.is(missing.status, 255);
    assert.match(errorMessage(missing), /^exec failed: container "?c1"? does not exist/);
    const noCommand = await berth(['--root', root, 'exec', 'c1']);
    assert.is(noCommand.status, 255);
    assert.match(errorMessage(noCommand), 'exec failed: exec needs a command to run (or --process FILE)');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('main: --rootless true and a bad --log-format are refused; --rootless false/auto and --criu are accepted', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-args-'));
  try {
    const rootless = await berth(['--rootless', 'true', '--root', root, 'list']);
    assert.is(rootless.status, 1);
    assert.match(errorMessage(rootless), 'rootless containers are not supported yet');
    for (const v of ['false', 'auto']) assert.is((await berth(['--rootless', v, '--criu', '/x', '--root', root, 'list', '-q'])).status, 0, v);
    const fmt = await berth(['--log-format', 'xml', 'list']);
    assert.is(fmt.status, 1);
    assert.match(errorMessage(fmt), 'invalid log-format: xml');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('main: --version, -v, --help, help <cmd> and <cmd> -h exit 0 with text on stdout', async () => {
  for (const flag of ['--version', '-v']) {
    const v = await berth([flag]);
    assert.is(v.status, 0);
    assert.match(v.out, /^berth version 0\.1\.0\ncommit: \S+\nspec: 1\.3\.0\n$/);
  }
  for (const argv of [[], ['--help'], ['-h'], ['help']]) {
    const h = await berth(argv);
    assert.is(h.status, 0, argv.join(' '));
    assert.match(h.out, 'commands:');
  }
  for (const cmd of ['create', 'start', 'run', 'state', 'list', 'kill', 'delete', 'spec', 'features']) {
    for (const argv of [[cmd, '--help'], [cmd, '-h'], ['help', cmd]]) {
      const h = await berth(argv);
      assert.is(h.status, 0, argv.join(' '));
      assert.match(h.out, `usage: berth ${cmd}`);
    }
  }
});

test.run();
