// Test-only fault injection: with BERTH_FAULT=<step> in its environment, berth SIGKILLs itself
// when it reaches that step, so a test can check that whatever a command leaves behind when it
// dies there (a power cut of one process) is found and removed by `delete --force`, and never
// blocks a later create of the same id. test/integration/faults.test.ts walks FAULT_STEPS.
//
// The variable is read once, when this module loads; unset, a fault point is one comparison
// with undefined. SIGKILL, not an exception: nothing of berth's own cleanup may run, exactly
// as when the OOM killer or a shim's timeout ends it.
//
// Steps of the native child are reached from the parent at the sync message that reports
// them (create.sync-*, exec.sync-*): the parent dying there is what the child then sees.

/** Every fault point, in the order a lifecycle reaches them. */
export const FAULT_STEPS = [
  // create: claiming the id
  'create.state-dir-made', // the directory exists, its lock not yet taken
  'create.locked',
  'create.creating-record', // creating.json names the cgroups (and host mounts) create is about to make
  'create.fifo-made',
  'create.cgroup-created',
  'create.cgroup-limits', // linux.resources written
  'create.child-spawned',
  'create.cgroup-joined', // the child's pid written to cgroup.procs (v1, hybrid unified)
  'create.id-maps', // uid_map/gid_map written (user namespace)
  'create.go-sent',
  'create.sync-create-hooks', // the child is ready for the create hooks
  'create.hook-prestart',
  'create.hook-create-runtime',
  'create.hook-create-container',
  'create.hooks-done', // HooksDone sent: the child goes on to pivot_root
  'create.sync-ready', // the init is parked on the exec fifo
  'create.state-written',
  'create.pid-file',
  'create.done',
  // start
  'start.locked',
  'start.fifo-written', // the init was released
  'start.fifo-removed', // the container counts as running
  'start.hook-poststart',
  // exec
  'exec.child-spawned',
  'exec.cgroup-joined',
  'exec.go-sent',
  'exec.sync-pid',
  'exec.started', // the process was executed; exec waits for it
  // run (create and start steps above also apply)
  'run.created',
  'run.started',
  'run.exited',
  // kill
  'kill.locked',
  // delete
  'delete.locked',
  'delete.processes-killed',
  'delete.hook-poststop',
  'delete.cgroup-destroyed',
] as const;

export type FaultStep = (typeof FAULT_STEPS)[number];

const armed = process.env.BERTH_FAULT;

/** SIGKILLs berth when BERTH_FAULT names this step; otherwise nothing. */
export function faultPoint(step: FaultStep): void {
  if (armed === step) process.kill(process.pid, 'SIGKILL');
}
