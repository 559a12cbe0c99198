// Runs inside the VM suite's guest (see run.js): each item of the plan the host wrote to
// /run/vm/plan.txt, with its output appended to /run/vm/log.txt, then the counts in
// /run/vm/result.json for the host to read. Only node's own modules: the guest has the
// host's tree read-only under a tmpfs overlay, nothing is installed there.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { TCG_SLOWDOWN, starvation, timeLoop } = require('./calibrate.js');

const root = path.resolve(__dirname, '../..');
const share = '/run/vm';
const log = path.join(share, 'log.txt');
const uptime = () => Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
const say = (text) => fs.appendFileSync(log, text);

const items = fs.readFileSync(path.join(share, 'plan.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const result = { kernel: fs.readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(), startedAt: uptime(), controllers: fs.readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').trim(), items: [] };
say(`== guest: kernel ${result.kernel}, cgroup2 controllers: ${result.controllers}, node started ${result.startedAt.toFixed(1)} s after boot\n`);

// PID 1's environment has PATH=/bin only.
const env = { ...process.env, PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' };

// How starved the guest is now (calibrate.js): the host timed the loop before booting us.
const hostCpuMs = JSON.parse(fs.readFileSync(path.join(share, 'calibration.json'), 'utf8')).hostCpuMs;
function measureStarvation(when) {
  const { wallMs } = timeLoop();
  const factor = starvation(wallMs, hostCpuMs);
  say(`guest: calibration ${when}: ${wallMs.toFixed(0)} ms here, ${hostCpuMs.toFixed(0)} ms of CPU on the host: ` +
    `${(wallMs / hostCpuMs).toFixed(1)}x where TCG alone costs about ${TCG_SLOWDOWN}x, so starved ${factor}x\n`);
  return factor;
}

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env });
  say(r.stdout + r.stderr);
  return r;
}

for (const item of items) {
  const [kind = '', arg = ''] = [item.split(/\s+/)[0], item.replace(/^\S+\s*/, '')];
  const started = uptime();
  say(`\n== guest: ${item}\n`);
  // Every time limit of the item scales by the starvation measured at its start: the tests'
  // (BERTH_TEST_TIME_SCALE, test/helpers/time-scale.ts) and the conformance checks' (--timeout).
  const starved = measureStarvation('before this item');
  env.BERTH_TEST_TIME_SCALE = String(starved);
  const entry = { item, passed: 0, failed: 0, skipped: 0, status: 0, starved };
  if (kind === 'integration' || kind === 'unit') {
    const r = run([path.join(root, 'node_modules/uvu/bin.js'), path.join('build/test', kind), ...(arg ? [arg] : [])]);
    const summary = (r.stdout || '').replace(/\x1b\[[0-9;]*m/g, '');
    const num = (label) => Number((new RegExp(`${label}:\\s+(\\d+)`).exec(summary) || [])[1] || 0);
    entry.passed = num('Passed');
    entry.skipped = num('Skipped');
    entry.failed = num('Total') - entry.passed;
    entry.status = r.status;
    if (r.status !== 0 && entry.failed === 0) entry.failed = 1; // crashed before counting
  } else if (kind === 'conformance') {
    // Against berth and runc: a check runc passes here and berth fails is a failure; checks
    // runc fails too (or both skip) are listed, not counted.
    const reports = {};
    for (const [name, bin] of [['berth', path.join(root, 'dist/berth')], ['runc', '/usr/sbin/runc']]) {
      const json = `/tmp/conformance-${name}.json`;
      // One check at a time: with the default pool the emulated guest is slow enough that berth's
      // delete --force outlives the suite's cleanup timeout (runc's does not).
      const r = run(['conformance/run.js', '--runtime', bin, '--filter', arg, '--json', json, '--parallel', '1', '--timeout', String(Math.ceil(30 * starved))]);
      try {
        reports[name] = JSON.parse(fs.readFileSync(json, 'utf8'));
      } catch {
        say(`conformance against ${name}: no report (exit ${r.status})\n`);
        entry.failed++;
      }
    }
    if (reports.berth && reports.runc) {
      const runc = new Map(reports.runc.results.map((c) => [c.id, c.status]));
      for (const c of reports.berth.results) {
        const theirs = runc.get(c.id);
        if (theirs === 'pass') c.status === 'pass' ? entry.passed++ : entry.failed++;
        say(`conformance ${c.id}: berth ${c.status}, runc ${theirs}${theirs === 'pass' && c.status !== 'pass' ? '  <- FAIL' : ''}\n`);
      }
    }
  } else if (kind === 'berth') {
    // A berth command whose output belongs in the log (`berth check`: what this kernel offers);
    // one test, passed when it exits 0.
    const r = spawnSync(path.join(root, 'dist/berth'), arg.split(/\s+/).filter(Boolean), { cwd: root, encoding: 'utf8', env });
    say(`${r.stdout}${r.stderr}exit ${r.status}\n`);
    r.status === 0 ? entry.passed++ : entry.failed++;
  } else {
    say(`unknown plan item: ${item}\n`);
    entry.failed = 1;
  }
  entry.seconds = Number((uptime() - started).toFixed(1));
  // Starvation that began during the item shows here (its limits were not scaled for it).
  if (entry.failed) entry.starvedAfter = measureStarvation('after this item (it failed)');
  result.items.push(entry);
}
result.finishedAt = uptime();
fs.writeFileSync(path.join(share, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
