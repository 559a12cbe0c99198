// `berth exec`: run one more process in a running container (runc's exec).

import * as path from '../../sys/posix-path.js';
import { BerthError } from '../../errors.js';
import { boolFlag, listFlag, stringFlag, uintFlag } from '../args.js';
import type { Command } from '../context.js';
import { reportProfileAtExit } from '../profile-report.js';

export const command: Command = {
  name: 'exec',
  usage: 'berth exec [command options] <container-id> <command> [args...]  ||  berth exec [command options] -p process.json <container-id>',
  description: `Runs a new process in a running container: it joins all of the container's
namespaces and its cgroup, and gets the container's process settings (user, capabilities,
rlimits, seccomp ...) with the changes the options make; --process FILE gives the whole process
instead (runtime-spec "process" object; the other process options are then ignored).
Without --detach, berth waits for the process, forwards the signals it receives to it and
exits with its status (128+N when signal N killed it). Errors of berth itself exit 255, as runc's.
Options go before <container-id>; everything after it is the command.`,
  flags: [
    { name: 'console-socket', type: 'string', value: 'PATH', help: 'AF_UNIX socket that receives the pty master (SCM_RIGHTS) with --tty' },
    { name: 'cwd', type: 'string', value: 'DIR', help: 'working directory in the container' },
    { name: 'env', short: 'e', type: 'strings', value: 'NAME=VALUE', help: 'set an environment variable (repeatable; overrides the config\'s)' },
    { name: 'tty', short: 't', type: 'bool', help: 'allocate a pseudo-terminal from the container\'s devpts' },
    { name: 'user', short: 'u', type: 'string', value: 'UID[:GID]', help: 'numeric user (and group, default 0) to run as' },
    { name: 'additional-gids', short: 'g', type: 'strings', value: 'GID', help: 'an additional group (repeatable)' },
    { name: 'process', short: 'p', type: 'string', value: 'FILE', help: 'the process as a JSON document (runtime-spec process)' },
    { name: 'detach', short: 'd', type: 'bool', help: 'return once the process runs (after its execve)' },
    { name: 'pid-file', type: 'string', value: 'FILE', help: "write the process's pid to FILE (decimal digits, no newline)" },
    { name: 'process-label', type: 'string', value: 'LABEL', help: 'SELinux label for the process (skipped with a warning where SELinux is not enabled)' },
    { name: 'apparmor', type: 'string', value: 'PROFILE', help: 'AppArmor profile for the process (refused where AppArmor is not enabled)' },
    { name: 'no-new-privs', type: 'bool', help: 'set no_new_privs for the process' },
    { name: 'cap', short: 'c', type: 'strings', value: 'CAP', help: 'add a capability to the bounding, effective and permitted sets (repeatable)' },
    { name: 'preserve-fds', type: 'uint', value: 'N', help: 'pass N more fds (3 .. 3+N-1, after $LISTEN_FDS) to the process (default 0)' },
    { name: 'cgroup', type: 'strings', value: '[CONTROLLER[,..]:]PATH', help: 'run the process in an existing sub-cgroup of the container (repeatable)' },
    { name: 'ignore-paused', type: 'bool', help: 'allow exec in a paused container' },
  ],
  args: { min: 1, max: Number.MAX_SAFE_INTEGER },
  rawTail: true,
  async run(p, ctx) {
    reportProfileAtExit();
    const abs = (name: string) => {
      const v = stringFlag(p, name);
      return v ? path.resolve(ctx.cwd, v) : undefined;
    };
    try {
      const { execInContainer } = await import('../../container/exec.js');
      const processFile = abs('process');
      const args = p.positional.slice(1);
      if (!processFile && !args.length) throw new BerthError('exec needs a command to run (or --process FILE)');
      return await execInContainer({
        root: ctx.root,
        id: p.positional[0]!,
        args,
        processFile,
        cwd: stringFlag(p, 'cwd'),
        env: listFlag(p, 'env'),
        tty: boolFlag(p, 'tty'),
        user: stringFlag(p, 'user'),
        additionalGids: listFlag(p, 'additional-gids'),
        caps: listFlag(p, 'cap'),
        noNewPrivs: typeof p.flags['no-new-privs'] === 'boolean' ? (p.flags['no-new-privs'] as boolean) : undefined,
        apparmor: stringFlag(p, 'apparmor'),
        processLabel: stringFlag(p, 'process-label'),
        consoleSocket: abs('console-socket'),
        detach: boolFlag(p, 'detach'),
        pidFile: abs('pid-file'),
        preserveFds: uintFlag(p, 'preserve-fds', 0),
        cgroups: listFlag(p, 'cgroup'),
        ignorePaused: boolFlag(p, 'ignore-paused'),
        warn: (msg: string) => ctx.log.warn(msg),
      });
    } catch (err) {
      // runc's form and status for every failure of exec itself.
      ctx.log.fatal(`exec failed: ${err instanceof Error ? err.message : String(err)}`);
      return 255;
    }
  },
};
