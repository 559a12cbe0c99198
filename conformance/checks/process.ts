// config.md "Process", "POSIX process", "Linux Process", "User" and runtime-linux.md "File
// descriptors": what the container process is started with.

import fs from 'node:fs';
import path from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { check, type Check } from '../lib/check.js';
import type { CheckContext } from '../lib/context.js';

/** The config is invalid: create must fail, or (for process fields) at the latest start. */
async function rejectedByCreateOrStart(t: CheckContext, spec: Spec, what: string): Promise<void> {
  const id = t.newId();
  const b = await t.bundle(spec, id);
  const create = await t.rt.create(id, b.dir);
  if (create.code !== 0) return;
  const start = await t.rt.start(id);
  if (start.code !== 0) return;
  t.fail(`${what} was accepted by both create and start`);
}

export const processChecks: Check[] = [
  check('process.args', 'args become argv exactly, and args[0] is looked up in PATH like execvp', async (t) => {
    const spec = t.spec();
    spec.process!.args = ['probe', 'report', 'two words', '', 'last'];
    const r = await t.probe(spec);
    t.equal(JSON.stringify(r.all('argv')), JSON.stringify(['two words', '', 'last']), 'arguments after the command');
    t.assert(r.has('pid'), 'probe did not run');
  }),

  check('process.args-required', 'a process with an empty args list is an error', async (t) => {
    const spec = t.spec();
    spec.process!.args = [];
    await rejectedByCreateOrStart(t, spec, 'an empty process.args');
  }),

  check('process.env', 'env is the environment of the process, exactly', async (t) => {
    const spec = t.spec();
    spec.process!.env = ['PATH=/conf:/bin', 'HOME=/root', 'CONF_A=1', 'CONF_B=with spaces', 'CONF_EMPTY='];
    const r = await t.probe(spec);
    const got = [...r.all('env')].sort();
    t.equal(JSON.stringify(got), JSON.stringify([...spec.process!.env].sort()), 'environment');
  }),

  check('process.cwd', 'cwd is the working directory of the process', async (t) => {
    const spec = t.spec();
    spec.process!.cwd = '/conf';
    const r = await t.probe(spec);
    t.equal(r.get('cwd'), '/conf', 'working directory');
  }),

  check('process.cwd-relative', 'a relative cwd is an error', async (t) => {
    const spec = t.spec();
    spec.process!.cwd = 'conf';
    await rejectedByCreateOrStart(t, spec, 'a relative process.cwd');
  }),

  check('process.user', 'user.uid, user.gid and user.additionalGids are the ids and groups of the process', async (t) => {
    const spec = t.spec();
    spec.process!.user = { uid: 1000, gid: 1001, additionalGids: [1002, 1003] };
    const r = await t.probe(spec);
    t.equal(r.get('uid'), '1000 1000 1000', 'real, effective and saved uid');
    t.equal(r.get('gid'), '1001 1001 1001', 'real, effective and saved gid');
    t.equal((r.get('groups') ?? '').split(' ').filter(Boolean).sort().join(' '), '1002 1003', 'supplementary groups');
  }),

  check('process.umask', 'user.umask is the umask of the process', async (t) => {
    const spec = t.spec();
    spec.process!.user.umask = 0o027;
    const r = await t.probe(spec);
    t.equal(r.get('umask'), '0027', 'umask');
  }),

  check('process.umask-inherited', 'without user.umask the process keeps the umask of the runtime caller', async (t) => {
    const spec = t.spec();
    delete spec.process!.user.umask;
    const r = await t.probe(spec, { umask: 0o037 });
    t.equal(r.get('umask'), '0037', 'umask (the runtime was started with 0037)');
  }),

  check('process.rlimits', 'each rlimit is in place: getrlimit gives the configured soft and hard values', async (t) => {
    const spec = t.spec();
    spec.process!.rlimits = [
      { type: 'RLIMIT_NOFILE', soft: 512, hard: 1024 },
      { type: 'RLIMIT_NPROC', soft: 3000, hard: 4000 },
      { type: 'RLIMIT_CORE', soft: 0, hard: 4096 },
      { type: 'RLIMIT_MSGQUEUE', soft: 8192, hard: 16384 },
    ];
    const r = await t.probe(spec);
    for (const l of spec.process!.rlimits) t.equal(r.get(`rlimit.${l.type}`), `${l.soft} ${l.hard}`, `${l.type} (soft hard)`);
  }),

  check('process.rlimits-unknown', 'an rlimit type the kernel does not have is an error', async (t) => {
    const spec = t.spec();
    spec.process!.rlimits = [{ type: 'RLIMIT_CONFORMANCE', soft: 1, hard: 1 }];
    await rejectedByCreateOrStart(t, spec, 'rlimit RLIMIT_CONFORMANCE');
  }),

  check('process.rlimits-duplicate', 'two rlimits of the same type are an error', async (t) => {
    const spec = t.spec();
    spec.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 512, hard: 1024 }, { type: 'RLIMIT_NOFILE', soft: 256, hard: 1024 }];
    await rejectedByCreateOrStart(t, spec, 'two RLIMIT_NOFILE entries');
  }),

  check('process.oom-score-adj', 'oomScoreAdj is written to the process oom_score_adj', async (t) => {
    const spec = t.spec();
    spec.process!.oomScoreAdj = 345;
    const r = await t.probe(spec);
    t.equal(r.get('oom_score_adj'), '345', 'oom_score_adj');
  }),

  check('process.oom-score-adj-unset', 'without oomScoreAdj the process keeps the oom_score_adj it inherited', async (t) => {
    const mine = fs.readFileSync('/proc/self/oom_score_adj', 'utf8').trim();
    const spec = t.spec();
    delete spec.process!.oomScoreAdj;
    const r = await t.probe(spec);
    t.equal(r.get('oom_score_adj'), mine, 'oom_score_adj (the caller of the runtime has this value)');
  }),

  check('process.no-new-privileges', 'noNewPrivileges true sets no_new_privs; false leaves it clear', async (t) => {
    const on = t.spec();
    on.process!.noNewPrivileges = true;
    t.equal((await t.probe(on)).get('status.NoNewPrivs'), '1', 'NoNewPrivs with noNewPrivileges true');
    const off = t.spec();
    off.process!.noNewPrivileges = false;
    t.equal((await t.probe(off)).get('status.NoNewPrivs'), '0', 'NoNewPrivs with noNewPrivileges false');
  }),

  check('process.fds', 'only stdin, stdout and stderr are open in the process (no descriptor of the caller leaks)', async (t) => {
    const leak = fs.openSync(path.join(t.dir, 'caller-file'), 'w');
    try {
      const f = await t.run(t.spec(), { extraFds: [leak] });
      const fds = f.report.all('fd').map((l) => Number(l.split(' ')[0])).sort((a, b) => a - b);
      t.equal(fds.join(','), '0,1,2', `open descriptors (${f.report.all('fd').join('; ')})`);
    } finally {
      fs.closeSync(leak);
    }
  }),

  check('process.scheduler', 'scheduler sets the policy and nice value of the process', async (t) => {
    const spec = t.spec();
    spec.process!.scheduler = { policy: 'SCHED_BATCH', nice: 7 };
    const r = await t.probe(spec);
    t.equal(r.get('sched.policy'), '3', 'scheduling policy (3 is SCHED_BATCH)');
    t.equal(r.get('sched.nice'), '7', 'nice value');
  }),

  check('process.io-priority', 'ioPriority sets the I/O scheduling class and level of the process', async (t) => {
    const spec = t.spec();
    spec.process!.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 6 };
    const r = await t.probe(spec);
    t.equal(r.get('ioprio'), String((2 << 13) | 6), 'ioprio_get value (class BE = 2, level 6)');
  }),

  check('process.personality', 'linux.personality LINUX32 makes uname report a 32-bit machine', async (t) => {
    if (process.arch !== 'x64') t.skip('the check knows only x86-64 hosts');
    const spec = t.spec();
    spec.linux!.personality = { domain: 'LINUX32' };
    const r = await t.probe(spec);
    t.equal(r.get('machine'), 'i686', 'uname machine');
  }),
];
