// Renders docs/conformance.md from the reports of one comparison run: how to run the suite,
// the totals, where runc deviates (with the reasons from deviations.ts), what berth still
// fails, every check side by side, and the requirement catalogue.

import { catalogue, type Requirement } from '../catalogue.js';
import { allChecks } from '../checks/index.js';
import { knownDeviations } from '../deviations.js';
import type { CheckResult } from '../lib/check.js';
import type { SuiteReport } from './suite-report.js';

/** Checks the reference passes and the candidate fails. */
export function regressions(candidate: SuiteReport, reference: SuiteReport): CheckResult[] {
  const ref = new Map(reference.results.map((r) => [r.id, r.status]));
  return candidate.results.filter((r) => r.status === 'fail' && ref.get(r.id) === 'pass');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const mark = (r?: CheckResult) => (!r ? '–' : r.status === 'pass' ? 'pass' : r.status === 'fail' ? '**FAIL**' : 'skip');

function shorten(s: string | undefined, n = 220): string {
  if (!s) return '';
  const one = s.split('\n')[0];
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

/** berth's decisions where the spec's words and runc part ways, argued once. */
const DECISIONS = `## The status the create hooks see

runtime.md (1.3) defines \`creating\` as "the container is being created (step 2 in the
lifecycle)" and \`created\` as "the runtime has finished the create operation (after step 2 in
the lifecycle)". The prestart, createRuntime and createContainer hooks run at steps 3 to 5,
after the environment of step 2 exists, so by the spec's own words the state on their stdin
says \`created\`. berth follows the spec, as crun does, and as the OCI runtime-tools test
\`hooks_stdin\` expects. **runc deviates**: it hands these hooks \`"status": "creating"\` (and, in
1.1.5, also runs poststart during create, so those see \`created\`).

Nothing the engines install depends on the old word: Docker's prestart hook
(\`libnetwork-setkey\`) reads only \`id\` and \`pid\` from the state, to find the container's network
namespace; the OCI hooks podman installs from its hooks directories (for example NVIDIA's)
read \`pid\`, \`bundle\` and annotations, not \`status\`. The seccomp listener is different: the runtime sends the
container process state during step 2 (the filter is loaded while the environment is built),
so its \`state.status\` stays \`creating\`, as config-linux.md shows.
`;

const HOW_TO = `## Running it

As root, on a Linux host with gcc (static glibc), busybox-static and the runtimes to measure:

    npm run conformance -- [--runtime PATH] [--filter RE] [--json FILE]
                           [--parallel N] [--timeout SECONDS] [--oci-version V] [--no-wrap] [--list]
    npm run conformance:compare -- [--berth PATH] [--runc PATH] [--crun PATH] [--filter RE] [--out FILE] [--json FILE]

\`conformance\` runs every check against one runtime (\`dist/berth\` unless \`--runtime\` says
otherwise) and prints one line per check — \`pass\`, \`FAIL\` with the reason, or \`skip\` with
the reason — then \`N passed, N failed, N skipped\`. It exits 1 if a check failed or the run
left something behind. \`--filter\` takes a regular expression over check ids
(\`--filter '^hooks\\.'\`), \`--list\` prints the checks without running them, \`--json\` writes
the results.

\`conformance:compare\` runs the suite against berth, runc and crun one after the other and
rewrites this file. It exits 1 when a check that runc passes fails for berth; it refuses to run
(exit 2) when \`dist/berth\` has not been built. \`npm test\` (and so CI) runs the same comparison
as its last suite, into a scratch report, and counts every check runc passes as one test.

How a run works:

- The suite is TypeScript under \`conformance/\` (type-checked with the rest of the project and
  compiled by \`npx tsc -p tsconfig.json\` into \`build/conformance/\`); \`conformance/run.js\` and
  \`conformance/compare.js\` are small launchers that compile first when the output is stale.
- The C helpers in \`conformance/helpers/\` are built with \`gcc -static\` into
  \`build/conformance/bin/\`: \`probe\` (runs in the container and reports ids, groups, umask,
  capabilities, no_new_privs, rlimits, oom_score_adj, namespaces, environment, open fds,
  scheduler, I/O priority and tty facts, stats paths, tries reads and writes, waits for
  signals), \`hook\` (a lifecycle hook that logs its argv, environment, stdin state and
  namespaces), \`nshold\` (holds namespaces to join by path), \`hostmnt\` (host-side mount
  fixtures and cleanup), \`fdrecv\` (the receiving end of \`--console-socket\` and of the seccomp
  listener), \`netdev\` (veth pairs over rtnetlink), \`sysprobe\` (raw syscalls a seccomp
  profile filters, used by berth's integration tests) and \`crun-ns\` (see below).
- One busybox rootfs is built per run with \`bundles/build-rootfs.sh\`; each bundle gets a
  hard-linked copy (\`cp -al\`), so checks can write to their rootfs without touching others.
  The container's \`/out\` is a bind mount of a directory in the bundle, and its stdout goes to a
  file, so every observation is read back on the host.
- Each check has a timeout (30 s unless it says otherwise), its own \`--root\` under
  \`/run/berth-conf-<tag>/\`, container ids \`berth-conf-<tag>-<n>\` and cgroups below
  \`/berth-conf-<tag>/\`. Checks run in a small pool (2 × CPUs, at most 6). Afterwards every
  container is killed and force-deleted, helper processes are stopped, mounts the check made
  are detached, cgroups are removed and the temporary directories deleted; a final sweep
  reports (and removes) anything still there.
- \`ociVersion\` in each config.json is the spec version the runtime announces in
  \`--version\` (\`spec: …\`): 1.3.0 for berth, 1.0.2-dev for runc 1.1.5, 1.0.0 for crun 1.8.1
  (crun 1.8.1 rejects 1.2 and later). \`--oci-version\` overrides it.
- crun 1.8.1 refuses hybrid cgroup hosts. On such a host the suite starts crun through
  \`conformance/helpers/crun-ns.c\`, which enters a mount namespace of its own (a slave of the
  host's) where \`/sys/fs/cgroup/unified/cgroup.controllers\` reads empty, then execs crun.
  Because crun then runs in that private mount namespace, \`namespaces.inherit-mount\` is
  skipped for it and \`hooks.runtime-namespace\` does not compare mount namespaces. \`--no-wrap\`
  disables the wrapper.

## Layout, and adding a check

| path | holds |
|---|---|
| \`conformance/catalogue.ts\` | the requirements: id, document, section, level, paraphrase, and the checks that observe each (or why none can) |
| \`conformance/checks/<area>.ts\` | the checks, one small file per area (lifecycle, state, config, namespaces, userns, uts, rootfs, mounts, propagation, devices, paths, sysctl, netdevices, process, caps, cgroups, seccomp, hooks) |
| \`conformance/lib/\` | the harness: runtime driver (runc CLI syntax), check context (ids, bundles, create/start/wait/delete, host fixtures, cleanup), suite (pool, sweep), parsers for mountinfo, probe output and capability masks |
| \`conformance/helpers/*.c\` | the static C helpers named above |
| \`conformance/runner/\` | the two commands and this report |
| \`conformance/deviations.ts\` | why runc (and crun) fail what they fail |
| \`test/unit/conformance.test.ts\` | unit tests: the catalogue and the checks agree, the parsers parse |

A check is \`check(id, title, async (t) => { ... })\`: build a config with \`t.spec()\`, run it
with \`t.probe(spec)\` / \`t.run(spec)\` (or step by step with \`t.create\`, \`t.start\`,
\`t.waitStopped\`), and judge with \`t.equal\`, \`t.assert\`, \`t.fail\` or \`t.skip\`. Anything it
starts through \`t\` is undone afterwards. Name it in the catalogue entry it observes (the
unit tests insist), and make it pass against runc first — or record in \`deviations.ts\` why
runc is the one that is wrong.
`;

function totalsTable(reports: SuiteReport[]): string {
  const rows = reports.map(
    (r) => `| ${r.runtime.name} | ${cell(r.runtime.version)} | ${r.runtime.ociVersion} | ${r.totals.passed} | ${r.totals.failed} | ${r.totals.skipped} | ${r.seconds} s |`,
  );
  return ['| runtime | version | ociVersion | passed | failed | skipped | time |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

function deviationSection(report: SuiteReport): string {
  const failed = report.results.filter((r) => r.status === 'fail');
  const known = knownDeviations[report.runtime.name] ?? {};
  const lines = failed.map((r) => {
    const why = known[r.id];
    return `- \`${r.id}\` — ${why ?? '(no explanation recorded)'}  \n  measured: ${cell(shorten(r.reason))}`;
  });
  return lines.join('\n');
}

function catalogueSection(): string {
  const byDoc = new Map<string, Requirement[]>();
  for (const r of catalogue) byDoc.set(r.document, [...(byDoc.get(r.document) ?? []), r]);
  const count = (pred: (r: Requirement) => boolean) => catalogue.filter(pred).length;
  const parts = [
    '## The requirement catalogue',
    '',
    `\`conformance/catalogue.ts\` lists ${catalogue.length} requirements: ` +
      `${count((r) => r.level.startsWith('MUST'))} MUST/MUST NOT, ${count((r) => r.level.startsWith('SHOULD'))} SHOULD/SHOULD NOT and ` +
      `${count((r) => r.level === 'described')} described behaviours (stated without a keyword, or the runc command line). ` +
      `${count((r) => !!r.checks)} are observed by checks; ${count((r) => !!r.unobservable)} cannot be, for the reason given.`,
    '',
  ];
  for (const [doc, reqs] of byDoc) {
    parts.push(`### ${doc}`, '', '| id | level | requirement (paraphrased) | checks, or why it is not observable |', '|---|---|---|---|');
    for (const r of reqs) {
      const how = r.checks ? r.checks.map((c) => `\`${c}\``).join(', ') : `*not observable:* ${r.unobservable}`;
      parts.push(`| ${r.id} | ${r.level} | ${cell(r.requirement)} | ${cell(how)} |`);
    }
    parts.push('');
  }
  return parts.join('\n');
}

export function renderMarkdown(reports: SuiteReport[], opts: { filtered: boolean }): string {
  const [berth, runc] = reports;
  const byRuntime = reports.map((r) => new Map(r.results.map((x) => [x.id, x])));
  const ids = allChecks.map((c) => c.id).filter((id) => byRuntime.some((m) => m.has(id)));
  const titles = new Map(allChecks.map((c) => [c.id, c.title]));
  const gate = regressions(berth, runc);
  const berthOther = berth.results.filter((r) => r.status === 'fail' && !gate.includes(r));

  const out: string[] = [
    '# Conformance',
    '',
    '<!-- Generated by `npm run conformance:compare`; change conformance/runner/markdown.ts, not this file. -->',
    '',
    `berth's conformance suite checks, from inside real containers and from the host, the Linux requirements of the OCI
runtime specification 1.3.0 (config.md, config-linux.md, runtime.md, runtime-linux.md). It drives any runtime through
runc's command line, so the same checks measure berth, runc and crun on the same machine. Last run: ${berth.startedAt},
kernel ${berth.host.kernel}, ${berth.host.cpus} CPUs${opts.filtered ? ' (a filtered run: only some checks)' : ''}.`,
    '',
    HOW_TO,
    '## Results',
    '',
    totalsTable(reports),
    '',
    `The suite is known to be right where runc passes: every check was first made to pass against runc 1.1.5, and each
check runc fails is listed below with the reason, found in runc's source or error message.`,
    '',
    `### Where runc ${runc.runtime.version.replace(/^runc version /, '')} deviates (${runc.totals.failed} checks)`,
    '',
    deviationSection(runc),
    '',
    `### berth: checks runc passes that berth fails (${gate.length})`,
    '',
    gate.length ? gate.map((r) => `- \`${r.id}\` — ${cell(shorten(r.reason, 300))}`).join('\n') : 'None: berth passes every check runc passes.',
    '',
    `### berth: other failures (${berthOther.length}, runc fails these too)`,
    '',
    berthOther.length ? berthOther.map((r) => `- \`${r.id}\` — ${cell(shorten(r.reason, 300))}`).join('\n') : 'None.',
    '',
  ];
  for (const r of reports.slice(2)) {
    const failed = r.results.filter((x) => x.status === 'fail');
    const known = knownDeviations[r.runtime.name] ?? {};
    out.push(`### ${r.runtime.name}: failures (${failed.length})`, '', ...r.runtime.notes.map((n) => `Note: ${n}.`), '');
    out.push(failed.map((x) => `- \`${x.id}\` — ${known[x.id] ? `${known[x.id]} ` : ''}${cell(shorten(x.reason))}`).join('\n') || 'None.', '');
  }
  out.push(DECISIONS, '');
  out.push('## Every check, side by side', '', `| check | ${reports.map((r) => r.runtime.name).join(' | ')} | what it verifies |`, `|---|${reports.map(() => '---|').join('')}---|`);
  for (const id of ids) out.push(`| \`${id}\` | ${byRuntime.map((m) => mark(m.get(id))).join(' | ')} | ${cell(titles.get(id) ?? '')} |`);
  out.push('', `Totals: ${reports.map((r) => `${r.runtime.name} ${r.totals.passed} passed, ${r.totals.failed} failed, ${r.totals.skipped} skipped`).join('; ')}.`, '');
  out.push(catalogueSection());
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
