// The requirements of runtime-spec 1.3.0 that apply to a Linux runtime: every MUST (and MUST
// NOT, REQUIRED), every SHOULD with behaviour that can be seen, and a few described behaviours
// engines depend on. Each is said in the project's own words and points at the checks that
// observe it, or says why it cannot be observed from outside the runtime.
//
// Sources: config.md, config-linux.md, runtime.md, runtime-linux.md at tag v1.3.0 of
// github.com/opencontainers/runtime-spec.

export type SpecDocument = 'config.md' | 'config-linux.md' | 'runtime.md' | 'runtime-linux.md' | 'runc command line';

/**
 * MUST also stands for REQUIRED. "described" marks behaviour the spec states without a
 * keyword (or with a lower-case "must"/"should") that is checked because runtimes and
 * engines rely on it; the "runc command line" entries are not spec requirements at all but
 * the command-line contract engines use.
 */
export type Level = 'MUST' | 'MUST NOT' | 'SHOULD' | 'SHOULD NOT' | 'described';

export interface Requirement {
  id: string;
  document: SpecDocument;
  section: string;
  level: Level;
  /** The requirement, paraphrased. */
  requirement: string;
  /** Checks that observe it. */
  checks?: string[];
  /** Why no check can observe it. */
  unobservable?: string;
}

const C = 'config.md';
const L = 'config-linux.md';
const R = 'runtime.md';
const RL = 'runtime-linux.md';

function req(id: string, document: SpecDocument, section: string, level: Level, requirement: string, checks: string[] | { reason: string }): Requirement {
  return Array.isArray(checks) ? { id, document, section, level, requirement, checks } : { id, document, section, level, requirement, unobservable: checks.reason };
}

const CONFIG_AUTHOR = 'a rule for whoever writes config.json; the spec gives the runtime no observable duty here beyond the general "error on invalid values" (config.valid-values)';

/** Linux mount options the spec lists as MUST, with the check for each. */
const MUST_MOUNT_OPTIONS: [string, string][] = [
  ['async', 'mounts.option.async'], ['atime', 'mounts.option.atime'], ['bind', 'mounts.bind'], ['defaults', 'mounts.option.defaults'],
  ['dev', 'mounts.option.dev'], ['diratime', 'mounts.option.diratime'], ['dirsync', 'mounts.option.dirsync'], ['exec', 'mounts.option.exec'],
  ['iversion', 'mounts.option.iversion'], ['lazytime', 'mounts.option.lazytime'], ['loud', 'mounts.option.loud'], ['noatime', 'mounts.option.noatime'],
  ['nodev', 'mounts.option.nodev'], ['nodiratime', 'mounts.option.nodiratime'], ['noexec', 'mounts.option.noexec'], ['noiversion', 'mounts.option.noiversion'],
  ['nolazytime', 'mounts.option.nolazytime'], ['norelatime', 'mounts.option.norelatime'], ['nostrictatime', 'mounts.option.nostrictatime'],
  ['nosuid', 'mounts.option.nosuid'], ['private', 'mounts.option.private'], ['rbind', 'mounts.rbind'], ['relatime', 'mounts.option.relatime'],
  ['remount', 'mounts.remount'], ['ro', 'mounts.option.ro'], ['rprivate', 'mounts.option.rprivate'], ['rshared', 'mounts.option.rshared'],
  ['rslave', 'mounts.option.rslave'], ['runbindable', 'mounts.option.runbindable'], ['rw', 'mounts.option.rw'], ['shared', 'mounts.option.shared'],
  ['silent', 'mounts.option.silent'], ['slave', 'mounts.option.slave'], ['strictatime', 'mounts.option.strictatime'], ['suid', 'mounts.option.suid'],
  ['sync', 'mounts.option.sync'], ['unbindable', 'mounts.option.unbindable'],
];

const SHOULD_MOUNT_OPTIONS = [
  'nosymfollow', 'symfollow', 'ratime', 'rdev', 'rdiratime', 'rexec', 'rnoatime', 'rnodev', 'rnodiratime', 'rnoexec', 'rnorelatime',
  'rnostrictatime', 'rnosuid', 'rnosymfollow', 'rrelatime', 'rro', 'rrw', 'rstrictatime', 'rsuid', 'rsymfollow',
];

/** What a few option names mean, for the catalogue text. */
const OPTION_MEANING: Record<string, string> = {
  bind: 'bind-mounts the source (not recursively)',
  rbind: 'bind-mounts the source with every mount below it',
  remount: 'changes the flags of the mount already at the destination',
  private: 'makes the mount private', rprivate: 'makes the mount and its submounts private',
  shared: 'makes the mount shared', rshared: 'makes the mount and its submounts shared',
  slave: 'makes the mount a slave', rslave: 'makes the mount and its submounts slaves',
  unbindable: 'makes the mount unbindable', runbindable: 'makes the mount and its submounts unbindable',
};

function mountOptionText(option: string): string {
  if (OPTION_MEANING[option]) return `The option string "${option}" is understood: it ${OPTION_MEANING[option]}.`;
  if (SHOULD_MOUNT_OPTIONS.includes(option) && option.startsWith('r'))
    return `The option string "${option}" is understood: the ${option.slice(1)} setting is applied to the mount and to every mount below it (mount_setattr with AT_RECURSIVE).`;
  return `The option string "${option}" is understood with its mount(8) meaning (set or clear the matching mount flag), not handed to the filesystem.`;
}

export const catalogue: Requirement[] = [
  // ---- runtime.md ------------------------------------------------------------------------
  req('runtime.scope.same-caller', R, 'Scope of a Container', 'MUST', 'Whoever created a container through the runtime can run every operation on that same container.', ['lifecycle.status-values', 'lifecycle.kill-sends-signal']),
  req('runtime.state.id-unique', R, 'State', 'MUST', 'A container id is unique among all containers on the host.', ['lifecycle.id-unique']),
  req('runtime.state.status-extra-values', R, 'State', 'MUST', 'A status value beyond creating/created/running/stopped may only name a genuinely new state.', { reason: 'whether an extra status value stands for a new state is a judgement about the runtime\'s design; the checks only verify that the four defined values appear where the lifecycle puts them (lifecycle.status-values)' }),
  req('runtime.state.pid', R, 'State', 'MUST', 'On Linux the state carries the pid of the container process whenever the status is created or running.', ['state.fields', 'state.pid-is-container-process']),
  req('runtime.state.pid-in-hooks', R, 'State', 'MUST', 'The pid handed to a hook is the one seen from the hook\'s side: the host pid for runtime-namespace hooks, the container\'s own view for container-namespace hooks.', ['hooks.state-pid']),
  req('runtime.state.bundle', R, 'State', 'MUST', 'The state names the bundle directory by its absolute path.', ['state.fields', 'state.bundle-absolute']),
  req('runtime.state.required-fields', R, 'State', 'MUST', 'The state always has ociVersion, id, status and bundle.', ['state.fields']),
  req('runtime.state.annotations', R, 'State', 'described', 'The state lists the annotations the container was created with.', ['state.annotations']),
  req('runtime.state.schema', R, 'State', 'MUST', 'The state serialised as JSON follows the state schema (field names and types).', ['state.fields']),
  req('runtime.lifecycle.create-environment', R, 'Lifecycle', 'MUST', 'create builds the container environment as config.json describes it.', ['namespaces.new-pid', 'mounts.order', 'cgroups.path', 'hooks.createcontainer-sees-mounts']),
  req('runtime.lifecycle.create-error', R, 'Lifecycle', 'MUST', 'When the environment cannot be built as described, create reports an error.', ['lifecycle.error-leaves-nothing', 'rootfs.path-missing']),
  req('runtime.lifecycle.no-program-at-create', R, 'Lifecycle', 'MUST NOT', 'The user program does not run during create, although every configured resource exists.', ['lifecycle.create-defers-program']),
  req('runtime.lifecycle.config-frozen', R, 'Lifecycle', 'MUST NOT', 'Editing config.json after create has no effect on the container.', ['lifecycle.config-frozen-at-create']),
  req('runtime.lifecycle.prestart', R, 'Lifecycle', 'MUST', 'prestart hooks run; if one fails, the runtime reports an error, stops the container and goes on to destroy it.', ['hooks.order', 'hooks.prestart-failure']),
  req('runtime.lifecycle.create-runtime', R, 'Lifecycle', 'MUST', 'createRuntime hooks run; if one fails, the runtime reports an error, stops the container and goes on to destroy it.', ['hooks.order', 'hooks.createruntime-failure', 'hooks.failure-runs-poststop']),
  req('runtime.lifecycle.create-container', R, 'Lifecycle', 'MUST', 'createContainer hooks run; if one fails, the runtime reports an error, stops the container and goes on to destroy it.', ['hooks.order', 'hooks.createcontainer-failure']),
  req('runtime.lifecycle.start-container', R, 'Lifecycle', 'MUST', 'startContainer hooks run; if one fails, the runtime reports an error, stops the container and goes on to destroy it.', ['hooks.order', 'hooks.startcontainer-failure']),
  req('runtime.lifecycle.run-program', R, 'Lifecycle', 'MUST', 'The runtime runs the user program as process describes it.', ['lifecycle.create-defers-program', 'process.args']),
  req('runtime.lifecycle.poststart', R, 'Lifecycle', 'MUST', 'poststart hooks run; if one fails, the runtime reports an error, stops the container and goes on to destroy it.', ['hooks.order', 'hooks.poststart-failure']),
  req('runtime.lifecycle.destroy', R, 'Lifecycle', 'MUST', 'Destroying a container undoes everything create did.', ['lifecycle.delete-removes-container', 'lifecycle.error-leaves-nothing']),
  req('runtime.lifecycle.poststop', R, 'Lifecycle', 'MUST', 'poststop hooks run; a failing one is only a warning, and the remaining hooks and the lifecycle go on.', ['hooks.order', 'hooks.poststop-failure', 'hooks.failure-runs-poststop']),
  req('runtime.errors.no-trace', R, 'Errors', 'MUST', 'An operation that reports an error leaves the environment as if it had not been tried (logging aside).', ['lifecycle.error-leaves-nothing', 'lifecycle.start-twice-fails', 'lifecycle.id-unique']),
  req('runtime.warnings.continue', R, 'Warnings', 'MUST', 'Logging a warning does not change what the operation does; it carries on.', ['caps.unknown-warns', 'caps.unavailable-warns', 'hooks.poststop-failure']),
  req('runtime.operations.supported', R, 'Operations', 'MUST', 'The runtime supports the operations state, create, start, kill and delete.', ['lifecycle.status-values', 'state.fields']),
  req('runtime.state-op.needs-id', R, 'Query State', 'MUST', 'state without a container id is an error.', ['lifecycle.requires-id']),
  req('runtime.state-op.unknown-id', R, 'Query State', 'MUST', 'state of a container that does not exist is an error.', ['lifecycle.unknown-id']),
  req('runtime.state-op.returns-state', R, 'Query State', 'MUST', 'state returns the container state as the State section defines it.', ['state.fields', 'lifecycle.status-values']),
  req('runtime.create.needs-arguments', R, 'Create', 'MUST', 'create without a container id or a bundle is an error.', ['lifecycle.requires-id', 'lifecycle.bundle-required']),
  req('runtime.create.duplicate-or-invalid-id', R, 'Create', 'MUST', 'create with an id already in use, or an id that is invalid, is an error and creates nothing.', ['lifecycle.id-unique', 'lifecycle.id-invalid']),
  req('runtime.create.new-container', R, 'Create', 'MUST', 'create makes a new container.', ['state.fields']),
  req('runtime.create.apply-config', R, 'Create', 'MUST', 'create applies every property of config.json except process.', ['cgroups.path', 'cgroups.memory-limit', 'namespaces.inherit-mount', 'hooks.createcontainer-sees-mounts', 'state.pid-is-container-process']),
  req('runtime.create.args-deferred', R, 'Create', 'MUST NOT', 'process.args is not acted on before start.', ['lifecycle.create-defers-program']),
  req('runtime.create.cannot-apply', R, 'Create', 'MUST', 'A property the runtime cannot apply makes create fail without creating a container.', ['lifecycle.error-leaves-nothing', 'config.invalid-namespace-type', 'namespaces.path-wrong-type']),
  req('runtime.start.needs-id', R, 'Start', 'MUST', 'start without a container id is an error.', ['lifecycle.requires-id']),
  req('runtime.start.only-created', R, 'Start', 'MUST', 'start on a container that is not created is an error and leaves the container as it was.', ['lifecycle.start-twice-fails']),
  req('runtime.start.runs-program', R, 'Start', 'MUST', 'start runs the user program described by process.', ['lifecycle.create-defers-program', 'process.args']),
  req('runtime.start.needs-process', R, 'Start', 'MUST', 'start fails when config.json has no process.', ['lifecycle.start-needs-process']),
  req('runtime.kill.needs-id', R, 'Kill', 'MUST', 'kill without a container id is an error.', ['lifecycle.requires-id']),
  req('runtime.kill.only-live', R, 'Kill', 'MUST', 'kill on a container that is neither created nor running is an error and changes nothing.', ['lifecycle.kill-stopped-fails']),
  req('runtime.kill.sends-signal', R, 'Kill', 'MUST', 'kill delivers the given signal to the container process.', ['lifecycle.kill-sends-signal', 'lifecycle.kill-numeric-signal', 'lifecycle.kill-created']),
  req('runtime.delete.needs-id', R, 'Delete', 'MUST', 'delete without a container id is an error.', ['lifecycle.requires-id']),
  req('runtime.delete.only-stopped', R, 'Delete', 'MUST', 'delete of a container that is not stopped is an error and changes nothing.', ['lifecycle.delete-running-fails', 'lifecycle.delete-created-fails']),
  req('runtime.delete.removes-resources', R, 'Delete', 'MUST', 'delete removes what create made for the container.', ['lifecycle.delete-removes-container']),
  req('runtime.delete.keeps-foreign', R, 'Delete', 'MUST NOT', 'delete leaves alone resources the container used but did not create.', ['lifecycle.delete-keeps-foreign', 'cgroups.delete-keeps-existing']),

  // ---- runtime-linux.md ------------------------------------------------------------------
  req('runtime-linux.fds.stdio-only', RL, 'File descriptors', 'described', 'Unless told otherwise, the process starts with only stdin, stdout and stderr open.', ['process.fds']),
  req('runtime-linux.dev-symlinks', RL, 'Dev symbolic links', 'MUST', 'During create the runtime makes /dev/fd, /dev/stdin, /dev/stdout and /dev/stderr point at /proc/self/fd, /proc/self/fd/0, 1 and 2 (when those exist once the mounts are made).', ['devices.dev-symlinks']),

  // ---- config.md -------------------------------------------------------------------------
  req('config.oci-version.semver', C, 'Specification version', 'MUST', 'ociVersion is a SemVer 2.0.0 string (a runtime must refuse a value that is not).', ['config.oci-version-invalid']),
  req('config.root.required', C, 'Root', 'MUST', 'On Linux, root is required.', ['config.root-required']),
  req('config.root.path-exists', C, 'Root', 'MUST', 'root.path names an existing directory.', ['rootfs.path-missing']),
  req('config.root.path-forms', C, 'Root', 'described', 'root.path is either absolute or relative to the bundle.', ['rootfs.path-relative', 'rootfs.path-absolute']),
  req('config.root.readonly', C, 'Root', 'MUST', 'With root.readonly true the root filesystem is read-only inside the container; without it, it is writable.', ['rootfs.readonly', 'rootfs.writable-default']),
  req('config.mounts.order', C, 'Mounts', 'MUST', 'Mounts are made in the order listed.', ['mounts.order']),
  req('config.mounts.relative-destination', C, 'Mounts', 'MUST', 'A relative mount destination (deprecated) is taken relative to /.', ['mounts.relative-destination']),
  req('config.mounts.bind-source', C, 'Mounts', 'described', 'A bind mount source is an absolute path or one relative to the bundle; bind or rbind in options makes it a bind mount.', ['mounts.bind', 'mounts.rbind', 'mounts.bind-relative-source', 'mounts.bind-file', 'mounts.bind-ro']),
  ...MUST_MOUNT_OPTIONS.map(([opt, checkId]) => req(`config.mounts.option.${opt}`, C, 'Linux mount options', 'MUST', mountOptionText(opt), [checkId])),
  req('config.mounts.option.mand', C, 'Linux mount options', 'described', 'mand and nomand may be supported (MAY; mand is deprecated since Linux 5.15).', { reason: 'optional (MAY); not checked' }),
  req('config.mounts.option.tmpcopyup', C, 'Linux mount options', 'described', 'tmpcopyup may be supported (MAY): copy the covered content into the new tmpfs.', { reason: 'optional (MAY); not checked' }),
  ...SHOULD_MOUNT_OPTIONS.map((opt) => req(`config.mounts.option.${opt}`, C, 'Linux mount options', 'SHOULD', mountOptionText(opt), [`mounts.option.${opt}`])),
  req('config.mounts.option.idmap', C, 'Linux mount options', 'SHOULD', 'idmap gives the mount an id mapping; the mount\'s own uidMappings/gidMappings are used when present.', ['mounts.idmap']),
  req('config.mounts.option.ridmap', C, 'Linux mount options', 'SHOULD', 'ridmap gives the mount and every mount below it the id mapping.', ['mounts.ridmap']),
  req('config.mounts.idmap.not-to-mount', C, 'Linux mount options', 'SHOULD NOT', 'idmap and ridmap are not passed to mount(2) as data; the mapping SHOULD be made with mount_setattr(MOUNT_ATTR_IDMAP).', { reason: 'how the mapping is made is internal; the effect is checked by mounts.idmap and mounts.ridmap' }),
  req('config.mounts.idmap.no-mapping-error', C, 'Linux mount options', 'MUST', 'idmap/ridmap with no mappings of the mount\'s own in a container without a user namespace is an error.', ['mounts.idmap-without-mappings']),
  req('config.mounts.id-mappings-paired', C, 'POSIX-platform Mounts', 'MUST', 'A mount\'s uidMappings and gidMappings come together (a runtime must refuse one without the other).', ['mounts.idmap-needs-both']),
  req('config.mounts.custom-options', C, 'Linux mount options', 'SHOULD', 'A custom option string that mount(8) also knows behaves as mount(8) says.', { reason: 'which custom strings a runtime recognises is its own choice, so there is no fixed behaviour to test' }),
  req('config.mounts.unknown-options-as-data', C, 'Linux mount options', 'SHOULD', 'Option strings the runtime does not know are passed to the filesystem as comma-separated data.', ['mounts.fs-data']),
  req('config.process.required-for-start', C, 'Process', 'MUST', 'process must be present when start is called (it is optional until then).', ['lifecycle.start-needs-process']),
  req('config.process.console-size-ignored', C, 'Process', 'MUST', 'consoleSize is ignored when terminal is false or unset.', ['process.console-size-ignored']),
  req('config.process.terminal', C, 'Process', 'described', 'terminal true gives the process a pseudoterminal as its stdin, stdout and stderr (of consoleSize when given).', ['process.terminal']),
  req('config.process.cwd-absolute', C, 'Process', 'MUST', 'cwd is an absolute path (a relative one must be refused); the process starts in it.', ['process.cwd', 'process.cwd-relative']),
  req('config.process.env', C, 'Process', 'described', 'env is the process environment, like environ.', ['process.env']),
  req('config.process.args', C, 'Process', 'MUST', 'args has at least one entry; it is argv, and args[0] is found the way execvp finds a file.', ['process.args', 'process.args-required']),
  req('config.process.rlimits.unmappable', C, 'POSIX process', 'MUST', 'An rlimit type that has no kernel counterpart is an error.', ['process.rlimits-unknown']),
  req('config.process.rlimits.applied', C, 'POSIX process', 'MUST', 'For each rlimit, getrlimit on its type works and returns the configured soft and hard values.', ['process.rlimits']),
  req('config.process.rlimits.duplicate', C, 'POSIX process', 'MUST', 'Two rlimits with the same type are an error.', ['process.rlimits-duplicate']),
  req('config.process.capabilities.sets', C, 'Linux Process', 'described', 'The bounding, effective, inheritable, permitted and ambient lists are the capabilities the process keeps (what survives execve follows capabilities(7)).', ['caps.bounding', 'caps.inheritable', 'caps.root-exec', 'caps.ambient', 'caps.ambient-needs-permitted', 'caps.non-root-none', 'caps.empty']),
  req('config.process.capabilities.warning', C, 'Linux Process', 'MUST', 'A capability that is unknown or cannot be granted is logged as a warning.', { reason: 'runtime.md leaves open how, or even whether, a warning reaches the user, so there is nothing fixed to observe; that the runtime carries on is checked by config.process.capabilities.no-failure' }),
  req('config.process.capabilities.no-failure', C, 'Linux Process', 'SHOULD NOT', 'Capabilities that cannot be granted do not make the runtime fail (a restricted environment is the example).', ['caps.unknown-warns', 'caps.unavailable-warns', 'caps.ambient-needs-permitted']),
  req('config.process.no-new-privileges', C, 'Linux Process', 'described', 'noNewPrivileges true stops the process from gaining privileges (no_new_privs).', ['process.no-new-privileges']),
  req('config.process.oom-score-adj.set', C, 'Linux Process', 'MUST', 'With oomScoreAdj set, the process oom_score_adj is that value.', ['process.oom-score-adj']),
  req('config.process.oom-score-adj.unset', C, 'Linux Process', 'MUST NOT', 'Without oomScoreAdj, the runtime leaves oom_score_adj as it was.', ['process.oom-score-adj-unset']),
  req('config.process.scheduler', C, 'Linux Process', 'described', 'scheduler sets the scheduling policy and its parameters; nice, priority, runtime, deadline and period default to 0.', ['process.scheduler']),
  req('config.process.io-priority', C, 'Linux Process', 'described', 'ioPriority sets the I/O scheduling class and level of the container processes.', ['process.io-priority']),
  req('config.process.exec-cpu-affinity', C, 'Linux Process', 'SHOULD NOT', 'Without execCPUAffinity.final, the affinity of an exec\'d process is not changed after it joins the container cgroup.', { reason: 'applies only to processes added with exec, which is not one of the operations of runtime.md; the suite drives create/start/state/kill/delete only' }),
  req('config.process.user', C, 'POSIX-platform User', 'described', 'uid and gid are the user and group of the process, additionalGids its supplementary groups, all in the container namespace.', ['process.user']),
  req('config.process.umask', C, 'POSIX-platform User', 'described', 'umask is the umask of the process; without it the umask of the calling process is kept (lower-case "should").', ['process.umask', 'process.umask-inherited']),
  req('config.hostname', C, 'Hostname', 'described', 'hostname is the hostname seen inside the container UTS namespace.', ['uts.hostname']),
  req('config.domainname', C, 'Domainname', 'described', 'domainname is the (NIS) domain name seen inside the container UTS namespace.', ['uts.domainname']),
  req('config.hooks.path-absolute', C, 'POSIX-platform Hooks', 'MUST', 'A hook path is absolute (a runtime must refuse one that is not).', ['hooks.relative-path-rejected']),
  req('config.hooks.timeout-positive', C, 'POSIX-platform Hooks', 'MUST', 'A hook timeout, when set, is greater than zero (a runtime must refuse 0).', ['hooks.timeout-zero-rejected']),
  req('config.hooks.timeout', C, 'POSIX-platform Hooks', 'described', 'timeout is the number of seconds after which the hook is aborted.', ['hooks.timeout']),
  req('config.hooks.args-env', C, 'POSIX-platform Hooks', 'described', 'A hook\'s args is its argv and env its environment, like execv and environ.', ['hooks.args-env']),
  req('config.hooks.runtime-namespace-path', C, 'POSIX-platform Hooks', 'MUST', 'The path of prestart, createRuntime, createContainer, poststart and poststop hooks resolves in the runtime namespace.', ['hooks.order', 'hooks.createcontainer-sees-mounts']),
  req('config.hooks.runtime-namespace-exec', C, 'POSIX-platform Hooks', 'MUST', 'prestart, createRuntime, poststart and poststop hooks run in the runtime namespace.', ['hooks.runtime-namespace']),
  req('config.hooks.container-namespace-path', C, 'POSIX-platform Hooks', 'MUST', 'The path of startContainer hooks resolves in the container namespace.', ['hooks.startcontainer-path-in-container']),
  req('config.hooks.container-namespace-exec', C, 'POSIX-platform Hooks', 'MUST', 'createContainer and startContainer hooks run in the container namespace.', ['hooks.container-namespace']),
  req('config.hooks.order', C, 'POSIX-platform Hooks', 'MUST', 'Hooks of one kind run in the order listed.', ['hooks.order']),
  req('config.hooks.state-on-stdin', C, 'POSIX-platform Hooks', 'MUST', 'Every hook receives the container state on its stdin.', ['hooks.state-stdin', 'hooks.state-status']),
  req('config.hooks.prestart-when', C, 'Prestart', 'MUST', 'prestart hooks run during create, after the environment exists and before pivot_root, and before the createRuntime hooks.', ['hooks.order', 'hooks.timing']),
  req('config.hooks.create-runtime-when', C, 'CreateRuntime Hooks', 'MUST', 'createRuntime hooks run during create, after the environment exists and before pivot_root.', ['hooks.order', 'hooks.timing']),
  req('config.hooks.create-container-when', C, 'CreateContainer Hooks', 'MUST', 'createContainer hooks run during create, after the createRuntime hooks, with the mounts made and before pivot_root.', ['hooks.order', 'hooks.timing', 'hooks.createcontainer-sees-mounts']),
  req('config.hooks.start-container-when', C, 'StartContainer Hooks', 'MUST', 'startContainer hooks run during start, before the user program is executed.', ['hooks.order', 'hooks.timing']),
  req('config.hooks.poststart-when', C, 'Poststart', 'MUST', 'poststart hooks run after the user program has been executed and before start returns.', ['hooks.poststart-after-exec', 'hooks.timing']),
  req('config.hooks.poststop-when', C, 'Poststop', 'MUST', 'poststop hooks run after the container is deleted and before delete returns.', ['hooks.timing']),
  req('config.annotations.unknown-keys', C, 'Annotations', 'MUST', 'Annotation keys the runtime does not know are treated like any unknown property: accepted.', ['config.unknown-annotations']),
  req('config.annotations.form', C, 'Annotations', 'MUST', 'Annotations are a string-to-string map with non-empty keys; the org.opencontainers keys mean what the spec lists.', { reason: CONFIG_AUTHOR }),
  req('config.annotations.stop-signal', C, 'Annotations', 'SHOULD', 'The org.opencontainers.image.stopSignal annotation names the signal to stop the container with.', { reason: 'the kill operation always carries an explicit signal, so the annotation is for the caller that chooses it; nothing at the runtime interface depends on it' }),
  req('config.extensibility.unknown-properties', C, 'Extensibility', 'MUST', 'Unknown properties are ignored (a warning at most), never an error.', ['config.unknown-properties']),
  req('config.valid-values', C, 'Valid values', 'MUST', 'Invalid or unsupported values are errors.', ['config.invalid-namespace-type', 'config.invalid-device-type', 'config.invalid-rootfs-propagation', 'config.oci-version-invalid', 'process.rlimits-unknown']),

  // ---- config-linux.md -------------------------------------------------------------------
  req('config-linux.default-filesystems', L, 'Default Filesystems', 'SHOULD', '/proc (proc), /sys (sysfs), /dev/pts (devpts) and /dev/shm (tmpfs) are available in the container.', ['mounts.default-filesystems']),
  req('config-linux.namespaces.types', L, 'Namespaces', 'SHOULD', 'The namespace types pid, network, mount, ipc, uts, user, cgroup and time are supported.', ['namespaces.new-pid', 'namespaces.new-network', 'namespaces.new-mount', 'namespaces.new-ipc', 'namespaces.new-uts', 'namespaces.new-user', 'namespaces.new-cgroup', 'namespaces.new-time']),
  req('config-linux.namespaces.path-absolute', L, 'Namespaces', 'MUST', 'A namespace path is absolute in the runtime mount namespace.', { reason: CONFIG_AUTHOR }),
  req('config-linux.namespaces.join', L, 'Namespaces', 'MUST', 'With a path, the container process is placed in that namespace.', ['namespaces.join-network-ipc-uts', 'namespaces.join-pid', 'namespaces.join-mount', 'namespaces.join-cgroup', 'namespaces.join-user', 'namespaces.join-user-unmapped', 'namespaces.join-time']),
  req('config-linux.namespaces.wrong-type', L, 'Namespaces', 'MUST', 'A path that is not a namespace of the entry\'s type is an error.', ['namespaces.path-wrong-type', 'namespaces.path-not-namespace']),
  req('config-linux.namespaces.new', L, 'Namespaces', 'MUST', 'Without a path, the runtime makes a new namespace of that type.', ['namespaces.new-pid', 'namespaces.new-network', 'namespaces.new-mount', 'namespaces.new-ipc', 'namespaces.new-uts', 'namespaces.new-user', 'namespaces.new-cgroup', 'namespaces.new-time']),
  req('config-linux.namespaces.inherit', L, 'Namespaces', 'MUST', 'A type not listed is inherited from the runtime.', ['namespaces.inherit', 'namespaces.inherit-mount']),
  req('config-linux.namespaces.duplicate', L, 'Namespaces', 'MUST', 'Listing a namespace type twice is an error.', ['namespaces.duplicate-type']),
  req('config-linux.user-namespace.mappings', L, 'User namespace mappings', 'described', 'uidMappings and gidMappings map container ids to host ids in the container user namespace.', ['userns.mappings', 'userns.ids-mapped']),
  req('config-linux.user-namespace.no-chown', L, 'User namespace mappings', 'SHOULD NOT', 'The runtime does not change the ownership of the filesystems to realise the mapping.', ['userns.no-chown']),
  req('config-linux.time-offsets', L, 'Offset for Time Namespace', 'described', 'timeOffsets set the clock offsets of the container time namespace.', ['namespaces.time-offsets']),
  req('config-linux.devices.available', L, 'Devices', 'MUST', 'Every listed device is available in the container, of its type, numbers, fileMode, uid and gid, wherever its path is.', ['devices.char', 'devices.block', 'devices.fifo', 'devices.outside-dev', 'devices.usable']),
  req('config-linux.devices.existing-mismatch', L, 'Devices', 'MUST', 'A file already at a device path that is not that device is an error.', ['devices.existing-mismatch']),
  req('config-linux.devices.unique-numbers', L, 'Devices', 'SHOULD NOT', 'The same type, major and minor are not used for two devices.', { reason: CONFIG_AUTHOR }),
  req('config-linux.default-devices', L, 'Default Devices', 'MUST', 'Besides the listed devices, /dev/null, zero, full, random, urandom, tty and ptmx (a symlink to or bind of /dev/pts/ptmx) exist; with terminal, the pty is bound on /dev/console.', ['devices.defaults', 'devices.defaults-usable', 'devices.ptmx', 'process.terminal']),
  req('config-linux.net-devices.move', L, 'Network Devices', 'MUST', 'Listed host network devices are made available in the container network namespace (renamed when name is given).', ['netdevices.move', 'netdevices.keep-name']),
  req('config-linux.net-devices.check', L, 'Network Devices', 'MUST', 'The runtime checks a move is possible and reports an error when the name is taken in the container namespace (unless the name is a %d template).', ['netdevices.name-taken']),
  req('config-linux.net-devices.preserve', L, 'Network Devices', 'MUST', 'Permanent global-scope addresses of a moved device are kept, and the device is set up.', ['netdevices.up-with-addresses']),
  req('config-linux.net-devices.lifecycle', L, 'Network Devices', 'MUST NOT', 'The runtime neither manages the device inside the container nor moves it back before deletion.', ['netdevices.not-moved-back']),
  req('config-linux.cgroups.fit-for-purpose', L, 'Control groups', 'MUST', 'If the runtime checks that the container cgroup is fit for purpose (optional), a failed check is an error.', { reason: 'the check is optional and what counts as unfit is left to the runtime, so no configuration is unfit for every runtime' }),
  req('config-linux.cgroups-path.absolute', L, 'Cgroups Path', 'MUST', 'An absolute cgroupsPath is taken relative to the cgroup mount point (the cgroups are made if missing).', ['cgroups.path']),
  req('config-linux.cgroups-path.consistent', L, 'Cgroups Path', 'MUST', 'The same cgroupsPath always leads to the same place in the hierarchy.', ['cgroups.path-consistent']),
  req('config-linux.cgroups-path.invalid', L, 'Cgroups Path', 'MUST', 'A cgroupsPath the runtime considers invalid is an error.', { reason: 'which values are invalid is the runtime\'s choice' }),
  req('config-linux.cgroups.ownership-v1', L, 'Cgroup ownership', 'SHOULD NOT', 'On cgroup v1 the container cgroup is not chowned (delegation is not safe there).', ['cgroups.v1-ownership-unchanged']),
  req('config-linux.cgroups.ownership-v2', L, 'Cgroup ownership', 'SHOULD', 'On cgroup v2, the cgroup is chowned to the container user only with a new cgroup namespace and a read-write /sys/fs/cgroup mount, and then only the directory and the delegatable files (/sys/kernel/cgroup/delegate, else cgroup.procs, cgroup.subtree_control, cgroup.threads); a missing file is not an error.', { reason: 'needs a container cgroup on the unified hierarchy; on the hybrid hosts this suite was built on, containers get v1 cgroups, so it is not checked yet' }),
  req('config-linux.devices-cgroup.order', L, 'Allowed Device list', 'MUST', 'Device allow/deny rules are applied in the listed order.', ['cgroups.devices-order']),
  req('config-linux.resources.memory', L, 'Memory', 'described', 'memory.limit and the other memory values reach the memory controller.', ['cgroups.memory-limit']),
  req('config-linux.resources.cpu', L, 'CPU', 'described', 'cpu shares, quota, period, cpus and mems reach the cpu and cpuset controllers.', ['cgroups.cpu', 'cgroups.cpuset']),
  req('config-linux.resources.cpu-burst', L, 'CPU', 'MUST', 'A positive quota is not smaller than burst (runtimes may refuse such a config).', { reason: CONFIG_AUTHOR }),
  req('config-linux.resources.pids', L, 'PIDs', 'described', 'pids.limit becomes the pids controller limit.', ['cgroups.pids-limit']),
  req('config-linux.resources.pids-zero', L, 'PIDs', 'SHOULD', 'A pids limit of 0 is a real limit, not "unset".', ['cgroups.pids-zero']),
  req('config-linux.resources.other-controllers', L, 'Block IO, Huge page limits, Network, RDMA', 'described', 'blockIO, hugepageLimits, network and rdma reach their controllers.', { reason: 'not checked yet: weights need a BFQ-scheduled block device, and net_cls/net_prio, rdma and v1 hugetlb are not mounted on the hosts the suite was built on' }),
  req('config-linux.unified.enable-controllers', L, 'Unified', 'MUST', 'The runtime enables the cgroup v2 controllers that the unified keys need.', { reason: 'needs a container cgroup on the unified hierarchy (not the case on hybrid hosts); not checked yet' }),
  req('config-linux.unified.write-unknown', L, 'Unified', 'MUST', 'unified keys the runtime does not know are still written to their files.', { reason: 'needs a container cgroup on the unified hierarchy (not the case on hybrid hosts); not checked yet' }),
  req('config-linux.unified.missing-controller', L, 'Unified', 'MUST', 'A unified key for a controller that is absent or cannot be enabled is an error.', ['cgroups.unified-unknown-controller']),
  req('config-linux.unified.conversion', L, 'Unified', 'MUST', 'When v1 settings meet a v2 controller and cannot be converted, that is an error.', { reason: 'needs a pure cgroup v2 host and a v1 setting that has no v2 equivalent; not checked yet' }),
  req('config-linux.intel-rdt.no-resctrl', L, 'IntelRdt', 'MUST', 'intelRdt without a mounted resctrl filesystem is an error.', ['cgroups.intelrdt-without-resctrl']),
  req('config-linux.intel-rdt.behaviour', L, 'IntelRdt', 'MUST', 'With resctrl: tasks written to the closID group, schemata written in order, groups created and removed as the rules say, monitoring groups per container; without intelRdt, resctrl is left alone.', { reason: 'needs Intel RDT hardware with resctrl mounted' }),
  req('config-linux.sysctl', L, 'Sysctl', 'described', 'sysctl values are set for the container (in its namespaces).', ['sysctl.net', 'sysctl.ipc']),
  req('config-linux.seccomp.filter', L, 'Seccomp', 'described', 'The seccomp rules are applied with their actions; errnoRet (default EPERM) is what an ERRNO rule returns.', ['seccomp.errno', 'seccomp.errno-ret', 'seccomp.kill']),
  req('config-linux.seccomp.errno-unsupported', L, 'Seccomp', 'MUST', 'errnoRet or defaultErrnoRet on an action that cannot return an errno is an error.', ['seccomp.errno-ret-unsupported']),
  req('config-linux.seccomp.listener', L, 'Seccomp', 'MUST', 'With SCMP_ACT_NOTIFY, the runtime connects to listenerPath (AF_UNIX, SOCK_STREAM), sends exactly one container process state with the seccomp fd (SCM_RIGHTS, in the first message) and closes the connection.', ['seccomp.listener']),
  req('config-linux.seccomp.listener-error', L, 'Seccomp', 'MUST', 'When the state cannot be sent to listenerPath, that is an error.', ['seccomp.listener-unreachable']),
  req('config-linux.seccomp.metadata-needs-path', L, 'Seccomp', 'MUST NOT', 'listenerMetadata is not set without listenerPath.', { reason: CONFIG_AUTHOR }),
  req('config-linux.rootfs-propagation', L, 'Rootfs Mount Propagation', 'described', 'rootfsPropagation makes the root mount shared, slave (receiving host mount events), private or unbindable.', ['rootfs.propagation-shared', 'rootfs.propagation-slave', 'rootfs.propagation-private', 'rootfs.propagation-unbindable', 'rootfs.propagation-slave-receives']),
  req('config-linux.propagation-options', L, 'Rootfs Mount Propagation', 'described', 'The propagation options on a bind mount decide whether later host mounts below the source reach the container.', ['mounts.propagation-slave-receives', 'mounts.propagation-private-isolated']),
  req('config-linux.masked-paths', L, 'Masked Paths', 'described', 'maskedPaths are covered so that they cannot be read (absolute paths in the container).', ['paths.masked-file', 'paths.masked-dir']),
  req('config-linux.readonly-paths', L, 'Readonly Paths', 'described', 'readonlyPaths are read-only inside the container (absolute paths in the container).', ['paths.readonly']),
  req('config-linux.personality', L, 'Personality', 'described', 'personality sets the execution domain; LINUX32 makes uname report a 32-bit machine.', ['process.personality']),

  // ---- not the spec: the runc command line engines drive -----------------------------------
  req('cli.run', 'runc command line', 'run', 'described', '`run` creates and starts a container, waits for it, removes it and exits with its exit status.', ['cli.run-exit-status']),
  req('cli.delete-force', 'runc command line', 'delete --force', 'described', '`delete --force` kills and removes a container that is still running.', ['cli.delete-force']),
];

/** Check ids -> the requirement ids they observe. */
export function requirementsByCheck(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of catalogue) for (const c of r.checks ?? []) out.set(c, [...(out.get(c) ?? []), r.id]);
  return out;
}
