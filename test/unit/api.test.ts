// The API's command lines (runc's) and how it reads berth's errors from the JSON log.

import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as argv from '../../src/api/argv.js';
import { BerthCommandError, ConfigError, ContainerNotFoundError, commandError, parseLogLines } from '../../src/api/errors.js';
import { Runtime } from '../../src/api/index.js';

test('global flags: root, the log file in json, debug and systemd-cgroup only when asked', () => {
  assert.equal(argv.globalArgv({ root: '/r', logFile: '/l' }), ['--root', '/r', '--log', '/l', '--log-format', 'json']);
  assert.equal(argv.globalArgv({ root: '/r', logFile: '/l', debug: true, systemdCgroup: true }).slice(6), ['--debug', '--systemd-cgroup']);
});

test('create and run: runc\'s flags before the id', () => {
  assert.equal(argv.createArgv('c1'), ['create', 'c1']);
  assert.equal(
    argv.createArgv('c1', { bundle: '/b', pidFile: '/p', consoleSocket: '/s', noPivot: true, noNewKeyring: true, preserveFds: 2 }),
    ['create', '--bundle', '/b', '--pid-file', '/p', '--console-socket', '/s', '--no-pivot', '--no-new-keyring', '--preserve-fds', '2', 'c1'],
  );
  assert.equal(argv.runArgv('c1', { bundle: '/b', detach: true }), ['run', '--detach', '--bundle', '/b', 'c1']);
  assert.equal(argv.runArgv('c1', { bundle: '/b' }), ['run', '--bundle', '/b', 'c1']);
});

test('kill, delete: signal after the id, --all and --force before it', () => {
  assert.equal(argv.killArgv('c', 'SIGKILL'), ['kill', 'c', 'SIGKILL']);
  assert.equal(argv.killArgv('c', 9, true), ['kill', '--all', 'c', '9']);
  assert.equal(argv.deleteArgv('c'), ['delete', 'c']);
  assert.equal(argv.deleteArgv('c', true), ['delete', '--force', 'c']);
});

test('exec: flags, then the id, then the command; a process file replaces args and process flags', () => {
  assert.equal(
    argv.execArgv('c', { args: ['sh', '-c', 'id'], detach: true, pidFile: '/p', tty: true, cwd: '/tmp', env: ['A=1', 'B=2'], user: { uid: 1000, gid: 100 } }),
    ['exec', '--detach', '--pid-file', '/p', '--tty', '--cwd', '/tmp', '--env', 'A=1', '--env', 'B=2', '--user', '1000:100', 'c', 'sh', '-c', 'id'],
  );
  assert.equal(argv.execArgv('c', { args: ['true'], user: { uid: 5 } }), ['exec', '--user', '5', 'c', 'true']);
  assert.equal(argv.execArgv('c', { args: ['true'], user: '7:8' }), ['exec', '--user', '7:8', 'c', 'true']);
  assert.equal(argv.execArgv('c', { process: { cwd: '/', user: { uid: 0, gid: 0 }, args: ['x'] }, cwd: '/ignored' }, '/f.json'), ['exec', '--process', '/f.json', 'c']);
  assert.throws(() => argv.execArgv('c', {}), /args/);
});

test('update, ps, events: runc\'s forms', () => {
  assert.equal(argv.updateArgv('c'), ['update', '--resources', '-', 'c']);
  assert.equal(argv.psArgv('c'), ['ps', '--format', 'json', 'c']);
  assert.equal(argv.eventsArgv('c'), ['events', 'c']);
  assert.equal(argv.eventsArgv('c', { stats: true }), ['events', '--stats', 'c']);
  assert.equal(argv.eventsArgv('c', { interval: '1s' }), ['events', '--interval', '1s', 'c']);
  assert.equal(argv.eventsArgv('c', { interval: 250 }), ['events', '--interval', '250ms', 'c']);
});

const G = ['--root', '/r', '--log', '/l', '--log-format', 'json'];
const line = (level: string, msg: string) => JSON.stringify({ level, msg, time: '2026-11-29T01:00:00Z' }) + '\n';

test('errors: the last error line of the log is the message; warnings stay in .log', () => {
  const e = commandError([...G, 'start', 'c'], 1, null, line('warning', 'w1') + line('error', 'cannot start a container that has stopped'));
  assert.instance(e, BerthCommandError);
  assert.not.instance(e, ConfigError);
  assert.is(e.berthMessage, 'cannot start a container that has stopped');
  assert.is(e.message, 'berth start: cannot start a container that has stopped');
  assert.is(e.exitCode, 1);
  assert.equal(e.argv, [...G, 'start', 'c']);
  assert.equal(e.log.map((l) => l.msg), ['w1']);
});

test('errors: "container ID does not exist" is a ContainerNotFoundError with the id', () => {
  const e = commandError([...G, 'state', 'nope'], 1, null, line('error', 'container nope does not exist'));
  assert.instance(e, ContainerNotFoundError);
  assert.instance(e, BerthCommandError);
  assert.is((e as ContainerNotFoundError).id, 'nope');
  // exec words its failures as runc does, behind "exec failed: "
  const x = commandError([...G, 'exec', 'nope', 'true'], 255, null, line('error', 'exec failed: container nope does not exist'));
  assert.instance(x, ContainerNotFoundError);
  assert.is((x as ContainerNotFoundError).id, 'nope');
});

test('errors: a config.json message is a ConfigError with the JSON path, in both of berth\'s wordings', () => {
  const a = commandError([...G, 'create', 'c'], 1, null, line('error', 'config.json /process/args: must have at least 1 item'));
  assert.instance(a, ConfigError);
  assert.is((a as ConfigError).jsonPath, '/process/args');
  const b = commandError([...G, 'create', 'c'], 1, null, line('error', 'cannot allocate tty if berth will detach without setting console socket (config.json /process/terminal is true: pass --console-socket PATH)'));
  assert.is((b as ConfigError).jsonPath, '/process/terminal');
  const root = commandError([...G, 'create', 'c'], 1, null, line('error', 'config.json /: ociVersion is required'));
  assert.is((root as ConfigError).jsonPath, '/');
  // a warning about the config does not make a different failure a config error
  const other = commandError([...G, 'create', 'c'], 1, null, line('warning', 'config.json /process/capabilities/ambient: x') + line('error', 'container c already exists'));
  assert.not.instance(other, ConfigError);
});

test('errors: without a log line, stderr or the signal says what happened', () => {
  assert.is(commandError([...G, 'run', 'c'], 1, null, '', 'boom\n').berthMessage, 'boom');
  assert.is(commandError([...G, 'run', 'c'], null, 'SIGKILL', '').berthMessage, 'killed by SIGKILL');
  assert.equal(parseLogLines('not json\n'), [{ level: 'error', msg: 'not json' }]);
});

test('Runtime: root is required; the binary defaults to dist/berth of the package (of the checkout here)', () => {
  assert.throws(() => new Runtime({} as never), /root/);
  assert.is(new Runtime({ root: '/r' }).binary, path.resolve(__dirname, '../../../dist/berth'));
  assert.is(new Runtime({ root: '/r', binary: '/x/berth' }).binary, '/x/berth');
});

test.run();
