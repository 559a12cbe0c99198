// The CVE-2019-5736 class against exec: a privileged container (every capability, including
// CAP_SYS_PTRACE and CAP_SYS_ADMIN, and no user namespace) watches its /proc while berth execs
// into it, and tries to get a writable handle to berth: /proc/PID/exe and /proc/PID/map_files/*
// opened for writing on sight, and a handle kept until berth has exited and then reopened for
// writing through /proc/self/fd. dist/berth and dist/berth.node must come out unchanged, and no
// open for writing may have succeeded (docs/ARCHITECTURE.md "Threat model"). The process
// berth shows the container runs the executor from a sealed memfd, which a handle may open
// for writing once nothing runs it, but never write (F_SEAL_WRITE): for a memfd the finding is
// a write that went through (executor-memfd.test.ts checks the seals themselves).
// Any host file the child maps would count too (a container that could write a shared library
// would own the host as surely); the static executor maps none, and the attack tries whatever
// it finds mapped. The same attack is made
// during a create whose config joins the attacker's pid namespace.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attackFromContainer, provokeExec, provokeJoin, type Provoke } from '../helpers/cve.js';

// The attacker is the container's init (pid 1); its redirections go through `command exec` and
// `true`, never a special builtin, whose failed redirection would end the shell (and the container). A process whose exe is not the rootfs's busybox
// can only be berth's child (found without forking, so the scan is fast enough to meet it).
const ATTACK = `
# Whether $1 can be written: for a host file an open for writing is enough (and writes
# nothing); a memfd is written one byte (harmless: it is berth's private copy).
writable() {
  case "$(readlink "$1")" in
    /memfd:*) echo x 2>/dev/null >>"$1" ;;
    *) true 2>/dev/null >>"$1" ;;
  esac
}
echo started >> /shared/log
found=0
while [ ! -e /shared/stop ]; do
  for p in /proc/[0-9]*; do
    [ "$p" = /proc/1 ] && continue
    command exec 5<"$p/exe" 2>/dev/null || continue
    if [ ! "$p/exe" -ef /bin/busybox ]; then
      echo "saw $p" >> /shared/log
      writable "$p/exe" && echo "EXE-OPENED-FOR-WRITING $p" >> /shared/log
      for f in "$p"/map_files/*; do
        [ "$f" -ef /bin/busybox ] && continue
        if writable "$f"; then
          case "$(readlink "$f")" in
            *berth*) echo "MAP-OPENED-FOR-WRITING $(readlink "$f")" >> /shared/log ;;
            *) echo "LIBRARY-OPENED-FOR-WRITING $(readlink "$f")" >> /shared/log ;;
          esac
        fi
      done
      if [ $found = 0 ]; then exec 7<&5; found=1; fi
    fi
    exec 5<&-
  done
done
if [ $found = 1 ]; then
  if writable /proc/self/fd/7; then echo REOPENED-FOR-WRITING >> /shared/log; else echo reopen-refused >> /shared/log; fi
fi
echo done >> /shared/log
`;

function attack(tag: string, provoke: Provoke): void {
  const log = attackFromContainer(tag, ['sh', '-c', ATTACK], provoke, [], 60);
  assert.not.match(log, 'OPENED-FOR-WRITING', log);
  // berth had exited when the attacker tried the handle it kept.
  assert.match(log, /^reopen-refused$/m);
}

test('a privileged container cannot get a writable handle to berth or its libraries during exec', () => {
  attack('cve-exec', provokeExec);
});

test('... nor during a create that joins its pid namespace', () => {
  attack('cve-create', provokeJoin('cve-join'));
});

test.run();
