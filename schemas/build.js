#!/usr/bin/env node
// berth's JSON Schemas for runtime-spec 1.3.0 (Linux), written with a few small builders so
// each rule reads in one line. `node schemas/build.js` rewrites the *.schema.json files beside
// it (commit them: they are the schemas), which scripts/compile-schemas.js turns into standalone
// validators at build time. test/unit/schemas.test.ts checks that the files match this builder
// and that the schemas give the official schemas' verdicts. Rules a schema cannot state (an
// absolute cwd, unique namespaces, ...) live in src/spec/semantic.ts, not here.
//
// Shape: every object and every word list is a named definition under $defs, referred to by
// name. ajv (with inlineRefs off) compiles each definition into its own small function, so a
// config only pays for compiling the sections it uses, and only the word lists (not the whole
// schema) end up embedded in the generated code.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DRAFT = 'http://json-schema.org/draft-07/schema#';
const BASE = 'https://berth.invalid/schemas/';

// --- builders --------------------------------------------------------------------------------

const use = (name) => ({ $ref: `#/$defs/${name}` });
const text = { type: 'string' };
const flag = { type: 'boolean' };
const integer = (minimum, maximum) => ({ type: 'integer', minimum, maximum });
const list = (items, extra = {}) => ({ type: 'array', items, ...extra });
const words = (...values) => ({ type: 'string', enum: values });
const matching = (pattern) => ({ type: 'string', pattern });
/** An object whose listed members have the given shapes; other members are not constrained. */
const record = (members, ...required) => ({ type: 'object', properties: members, ...(required.length ? { required } : {}) });
/** An object used as a map: every member has the given shape. */
const mapOf = (shape) => ({ type: 'object', additionalProperties: shape });
/** The same shape under each of several names. */
const each = (names, shape) => Object.fromEntries(names.map((n) => [n, shape]));
const pick = (from, ...names) => Object.fromEntries(names.map((n) => [n, from[n]]));

// --- word lists (the libseccomp, sched, mempolicy and ioprio constants the spec names) ---------

const wordLists = {
  namespaceType: words('mount', 'pid', 'network', 'uts', 'ipc', 'user', 'cgroup', 'time'),
  seccompAction: words('SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY'),
  seccompOperator: words('SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'),
  seccompFlag: words('SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'),
  seccompArch: words(...['X86', 'X86_64', 'X32', 'ARM', 'AARCH64', 'LOONGARCH64', 'M68K', 'MIPS', 'MIPS64', 'MIPS64N32', 'MIPSEL', 'MIPSEL64', 'MIPSEL64N32', 'PPC', 'PPC64', 'PPC64LE', 'S390', 'S390X', 'SH', 'SHEB', 'PARISC', 'PARISC64', 'RISCV64'].map((a) => `SCMP_ARCH_${a}`)),
  schedPolicy: words('SCHED_OTHER', 'SCHED_FIFO', 'SCHED_RR', 'SCHED_BATCH', 'SCHED_ISO', 'SCHED_IDLE', 'SCHED_DEADLINE'),
  schedFlag: words('SCHED_FLAG_RESET_ON_FORK', 'SCHED_FLAG_RECLAIM', 'SCHED_FLAG_DL_OVERRUN', 'SCHED_FLAG_KEEP_POLICY', 'SCHED_FLAG_KEEP_PARAMS', 'SCHED_FLAG_UTIL_CLAMP_MIN', 'SCHED_FLAG_UTIL_CLAMP_MAX'),
  ioClass: words('IOPRIO_CLASS_RT', 'IOPRIO_CLASS_BE', 'IOPRIO_CLASS_IDLE'),
  // runtime-spec lists the four plain words; runc and crun also take the recursive ones, and
  // containerd's CRI plugin sends rslave and rshared. Accepted, with a warning naming the path
  // (src/spec/rules/beyond-schema.ts); test/unit/schemas.test.ts records the exception.
  propagation: words('private', 'shared', 'slave', 'unbindable', 'rprivate', 'rshared', 'rslave', 'runbindable'),
  personalityDomain: words('LINUX', 'LINUX32'),
  mempolicyMode: words('MPOL_DEFAULT', 'MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_WEIGHTED_INTERLEAVE', 'MPOL_PREFERRED', 'MPOL_PREFERRED_MANY', 'MPOL_LOCAL'),
  mempolicyFlag: words('MPOL_F_NUMA_BALANCING', 'MPOL_F_RELATIVE_NODES', 'MPOL_F_STATIC_NODES'),
  containerStatus: words('creating', 'created', 'running', 'stopped'),
};

// --- numbers and small shapes used everywhere ------------------------------------------------

// The largest 64-bit values are not exact doubles; these literals are the doubles JSON parsing
// gives for 2^63-1 and 2^64-1, so a document holding the exact maximum still passes.
const numbers = {
  int32: integer(-2147483648, 2147483647),
  int64: integer(-9223372036854775808, 9223372036854775807),
  uint16: integer(0, 65535),
  uint32: integer(0, 4294967295),
  uint64: integer(0, 18446744073709551615),
};

const basics = {
  strings: list(text),
  // Every member with a non-empty name must be a string (the spec's key/value string maps).
  stringMap: { type: 'object', patternProperties: { '.': text } },
  idMapping: record({ containerID: use('uint32'), hostID: use('uint32'), size: use('uint32') }, 'containerID', 'hostID', 'size'),
  idMappings: list(use('idMapping')),
};

// --- config.json -----------------------------------------------------------------------------

const configParts = {
  hook: record({ path: text, args: use('strings'), env: use('strings'), timeout: { type: 'integer', minimum: 1 } }, 'path'),
  hooks: record(each(['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'], list(use('hook')))),
  mount: record({ destination: text, source: text, type: text, options: use('strings'), uidMappings: use('idMappings'), gidMappings: use('idMappings') }, 'destination'),
  root: record({ path: text, readonly: flag }, 'path'),

  process: record({
    terminal: flag,
    consoleSize: record({ height: use('uint64'), width: use('uint64') }, 'height', 'width'),
    user: use('user'),
    args: use('strings'),
    commandLine: text,
    env: use('strings'),
    cwd: text,
    capabilities: record(each(['bounding', 'permitted', 'effective', 'inheritable', 'ambient'], use('strings'))),
    rlimits: list(use('rlimit')),
    noNewPrivileges: flag,
    apparmorProfile: text,
    oomScoreAdj: { type: 'integer' },
    selinuxLabel: text,
    ioPriority: record({ class: use('ioClass'), priority: use('int32') }, 'class'),
    scheduler: use('scheduler'),
    execCPUAffinity: record(each(['initial', 'final'], matching('^[0-9, -]*$'))),
  }, 'cwd'),
  user: record({ uid: use('uint32'), gid: use('uint32'), umask: use('uint32'), additionalGids: list(use('uint32')), username: text }),
  rlimit: record({ type: matching('^RLIMIT_[A-Z]+$'), soft: use('uint64'), hard: use('uint64') }, 'type', 'soft', 'hard'),
  scheduler: record({
    policy: use('schedPolicy'),
    nice: use('int32'),
    priority: use('int32'),
    flags: list(use('schedFlag')),
    runtime: use('uint64'),
    deadline: use('uint64'),
    period: use('uint64'),
  }, 'policy'),

  linux: record({
    devices: list(use('device')),
    netDevices: mapOf(record({ name: text })),
    uidMappings: use('idMappings'),
    gidMappings: use('idMappings'),
    namespaces: list(record({ type: use('namespaceType'), path: text }, 'type')),
    resources: use('resources'),
    cgroupsPath: text,
    rootfsPropagation: use('propagation'),
    seccomp: use('seccomp'),
    sysctl: use('stringMap'),
    maskedPaths: use('strings'),
    readonlyPaths: use('strings'),
    mountLabel: text,
    intelRdt: record({ closID: text, schemata: use('strings'), l3CacheSchema: text, memBwSchema: matching('^MB:[^\\n]*$'), enableMonitoring: flag }),
    memoryPolicy: record({ mode: use('mempolicyMode'), nodes: text, flags: list(use('mempolicyFlag')) }),
    personality: record({ domain: use('personalityDomain'), flags: use('strings') }),
    timeOffsets: record(each(['boottime', 'monotonic'], record({ secs: use('int64'), nanosecs: use('uint32') }))),
  }),
  // Device numbers are int64 in the spec (-1 is runc's wildcard in cgroup rules).
  device: record({
    type: matching('^[cbup]$'), path: text, fileMode: integer(0, 0o777),
    major: use('int64'), minor: use('int64'), uid: use('uint32'), gid: use('uint32'),
  }, 'type', 'path'),

  resources: record({
    unified: use('stringMap'),
    devices: list(record({ allow: flag, type: text, major: use('int64'), minor: use('int64'), access: text }, 'allow')),
    pids: record({ limit: use('int64') }, 'limit'),
    blockIO: use('blockIO'),
    cpu: record({
      cpus: text, mems: text, period: use('uint64'), quota: use('int64'), burst: use('uint64'),
      realtimePeriod: use('uint64'), realtimeRuntime: use('int64'), shares: use('uint64'), idle: use('int64'),
    }),
    hugepageLimits: list(record({ pageSize: matching('^[1-9][0-9]*[KMG]B$'), limit: use('uint64') }, 'pageSize', 'limit')),
    memory: record({
      ...each(['kernel', 'kernelTCP', 'limit', 'reservation', 'swap'], use('int64')),
      swappiness: use('uint64'),
      ...each(['disableOOMKiller', 'useHierarchy', 'checkBeforeUpdate'], flag),
    }),
    network: record({ classID: use('uint32'), priorities: list(record({ name: text, priority: use('uint32') }, 'name', 'priority')) }),
    rdma: mapOf(record({ hcaHandles: use('uint32'), hcaObjects: use('uint32') })),
  }),
  blockDevice: record({ major: use('int64'), minor: use('int64') }, 'major', 'minor'),
  blockIO: record({
    weight: use('uint16'),
    leafWeight: use('uint16'),
    weightDevice: list({ allOf: [use('blockDevice'), record({ weight: use('uint16'), leafWeight: use('uint16') })] }),
    ...each(['throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice'],
      list({ allOf: [use('blockDevice'), record({ rate: use('uint64') })] })),
  }),

  seccomp: record({
    defaultAction: use('seccompAction'),
    defaultErrnoRet: use('uint32'),
    flags: list(use('seccompFlag')),
    listenerPath: text,
    listenerMetadata: text,
    architectures: list(use('seccompArch')),
    syscalls: list(use('syscallRule')),
  }, 'defaultAction'),
  syscallRule: record({
    names: list(text, { minItems: 1 }),
    action: use('seccompAction'),
    errnoRet: use('uint32'),
    args: list(record({ index: use('uint32'), value: use('uint64'), valueTwo: use('uint64'), op: use('seccompOperator') }, 'index', 'value', 'op')),
  }, 'names', 'action'),
};

const config = {
  $schema: DRAFT,
  $id: `${BASE}config.schema.json`,
  title: 'berth: config.json of an OCI bundle (runtime-spec 1.3.0, Linux)',
  ...record({
    ociVersion: text,
    root: use('root'),
    mounts: list(use('mount')),
    process: use('process'),
    hostname: text,
    domainname: text,
    hooks: use('hooks'),
    annotations: use('stringMap'),
    linux: use('linux'),
  }, 'ociVersion'),
  $defs: { ...numbers, ...basics, ...wordLists, ...configParts },
};

// The process document of `berth exec --process FILE`: config.json's process, on its own.
const processDoc = {
  $schema: DRAFT,
  $id: `${BASE}process.schema.json`,
  title: 'berth: the process document of exec --process (config.json process, runtime-spec 1.3.0)',
  $ref: '#/$defs/process',
  $defs: { ...numbers, ...basics, ...wordLists, ...configParts },
};

// --- state and features ----------------------------------------------------------------------

const state = {
  $schema: DRAFT,
  $id: `${BASE}state.schema.json`,
  title: 'berth: the container state document (runtime.md)',
  ...record({
    ociVersion: text,
    id: text,
    status: use('containerStatus'),
    pid: { type: 'integer', minimum: 0 },
    bundle: text,
    annotations: use('stringMap'),
  }, 'ociVersion', 'id', 'status', 'bundle'),
  $defs: { stringMap: basics.stringMap, ...pick(wordLists, 'containerStatus') },
};

const enabled = record({ enabled: flag });
const features = {
  $schema: DRAFT,
  $id: `${BASE}features.schema.json`,
  title: 'berth: the runtime features document (features.md)',
  ...record({
    ociVersionMin: text,
    ociVersionMax: text,
    hooks: use('strings'),
    mountOptions: use('strings'),
    annotations: use('stringMap'),
    potentiallyUnsafeConfigAnnotations: use('strings'),
    linux: record({
      namespaces: list(use('namespaceType')),
      capabilities: list(matching('^CAP_[A-Z_]+$')),
      cgroup: record(each(['v1', 'v2', 'systemd', 'systemdUser', 'rdma'], flag)),
      seccomp: record({
        enabled: flag,
        actions: list(use('seccompAction')),
        operators: list(use('seccompOperator')),
        archs: list(use('seccompArch')),
        knownFlags: list(use('seccompFlag')),
        supportedFlags: list(use('seccompFlag')),
      }),
      apparmor: enabled,
      selinux: enabled,
      intelRdt: enabled,
      mountExtensions: record({ idmap: enabled }),
      netDevices: enabled,
    }),
  }, 'ociVersionMin', 'ociVersionMax'),
  $defs: {
    strings: basics.strings,
    stringMap: basics.stringMap,
    ...pick(wordLists, 'namespaceType', 'seccompAction', 'seccompOperator', 'seccompArch', 'seccompFlag'),
  },
};

/** The four documents, serialised exactly as the committed *.schema.json files. */
function render() {
  return Object.fromEntries(Object.entries({ config, process: processDoc, state, features }).map(([name, schema]) => [`${name}.schema.json`, JSON.stringify(schema, null, 2) + '\n']));
}

module.exports = { render };

if (require.main === module) {
  for (const [file, text] of Object.entries(render())) fs.writeFileSync(path.join(__dirname, file), text);
}
