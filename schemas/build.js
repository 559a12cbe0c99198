#!/usr/bin/env node
// berth's JSON Schemas for runtime-spec 1.3.0 (Linux), written with a few small builders so
// each rule reads in one line. `node schemas/build.js` rewrites the *.schema.json files beside
// it, which scripts/compile-schemas.js turns into standalone validators at build time. The
// differential test (test/unit/schemas.test.ts) holds these to the official schemas' verdicts.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const int = (minimum, maximum) => ({ type: 'integer', minimum, maximum });
const ref = (name) => ({ $ref: `#/$defs/${name}` });
const str = { type: 'string' };
const bool = { type: 'boolean' };
const arrayOf = (items, extra = {}) => ({ type: 'array', items, ...extra });
const obj = (properties, required) => (required ? { type: 'object', properties, required } : { type: 'object', properties });
const oneOfWords = (...words) => ({ type: 'string', enum: words });
const mapOf = (schema) => ({ type: 'object', additionalProperties: schema });

const numbers = {
  i32: int(-2147483648, 2147483647),
  i64: int(-9223372036854776000, 9223372036854776000),
  u16: int(0, 65535),
  u32: int(0, 4294967295),
  u64: int(0, 18446744073709552000),
};

const seccompActions = oneOfWords('SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY');
const seccompOperators = oneOfWords('SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ');
const seccompFlags = oneOfWords('SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV');
const seccompArchs = oneOfWords(...['X86', 'X86_64', 'X32', 'ARM', 'AARCH64', 'LOONGARCH64', 'M68K', 'MIPS', 'MIPS64', 'MIPS64N32', 'MIPSEL', 'MIPSEL64', 'MIPSEL64N32', 'PPC', 'PPC64', 'PPC64LE', 'S390', 'S390X', 'SH', 'SHEB', 'PARISC', 'PARISC64', 'RISCV64'].map((a) => `SCMP_ARCH_${a}`));
const namespaceType = oneOfWords('mount', 'pid', 'network', 'uts', 'ipc', 'user', 'cgroup', 'time');

/** Definitions shared by the three schemas. */
const shared = {
  ...numbers,
  strings: arrayOf(str),
  // Keys of at least one character map to strings (an empty key is not constrained).
  stringMap: { type: 'object', patternProperties: { '.': str } },
  version: str,
  idMapping: obj({ containerID: ref('u32'), hostID: ref('u32'), size: ref('u32') }, ['containerID', 'hostID', 'size']),
  hook: obj({ path: str, args: ref('strings'), env: ref('strings'), timeout: { type: 'integer', minimum: 1 } }, ['path']),
  hookList: arrayOf(ref('hook')),
  namespaceType,
  seccompAction: seccompActions,
  seccompOperator: seccompOperators,
  seccompFlag: seccompFlags,
  seccompArch: seccompArchs,
  deviceNumber: ref('i64'),
  weight: ref('u16'),
  blockDevice: obj({ major: ref('deviceNumber'), minor: ref('deviceNumber') }, ['major', 'minor']),
};

const processSchema = obj({
  terminal: bool,
  consoleSize: obj({ height: ref('u64'), width: ref('u64') }, ['height', 'width']),
  user: obj({ uid: ref('u32'), gid: ref('u32'), umask: ref('u32'), additionalGids: arrayOf(ref('u32')), username: str }),
  args: ref('strings'),
  commandLine: str,
  env: ref('strings'),
  cwd: str,
  capabilities: obj(Object.fromEntries(['bounding', 'permitted', 'effective', 'inheritable', 'ambient'].map((k) => [k, ref('strings')]))),
  rlimits: arrayOf(obj({ type: { type: 'string', pattern: '^RLIMIT_[A-Z]+$' }, soft: ref('u64'), hard: ref('u64') }, ['type', 'soft', 'hard'])),
  noNewPrivileges: bool,
  apparmorProfile: str,
  oomScoreAdj: { type: 'integer' },
  selinuxLabel: str,
  ioPriority: obj({ class: oneOfWords('IOPRIO_CLASS_RT', 'IOPRIO_CLASS_BE', 'IOPRIO_CLASS_IDLE'), priority: ref('i32') }, ['class']),
  scheduler: obj({
    policy: oneOfWords('SCHED_OTHER', 'SCHED_FIFO', 'SCHED_RR', 'SCHED_BATCH', 'SCHED_ISO', 'SCHED_IDLE', 'SCHED_DEADLINE'),
    nice: ref('i32'),
    priority: ref('i32'),
    flags: arrayOf(oneOfWords('SCHED_FLAG_RESET_ON_FORK', 'SCHED_FLAG_RECLAIM', 'SCHED_FLAG_DL_OVERRUN', 'SCHED_FLAG_KEEP_POLICY', 'SCHED_FLAG_KEEP_PARAMS', 'SCHED_FLAG_UTIL_CLAMP_MIN', 'SCHED_FLAG_UTIL_CLAMP_MAX')),
    runtime: ref('u64'),
    deadline: ref('u64'),
    period: ref('u64'),
  }, ['policy']),
  execCPUAffinity: obj({ initial: { type: 'string', pattern: '^[0-9, -]*$' }, final: { type: 'string', pattern: '^[0-9, -]*$' } }),
}, ['cwd']);

const throttle = { allOf: [ref('blockDevice'), obj({ rate: ref('u64') })] };
const resources = obj({
  unified: ref('stringMap'),
  devices: arrayOf(obj({ allow: bool, type: str, major: ref('deviceNumber'), minor: ref('deviceNumber'), access: str }, ['allow'])),
  pids: obj({ limit: ref('i64') }, ['limit']),
  blockIO: obj({
    weight: ref('weight'),
    leafWeight: ref('weight'),
    throttleReadBpsDevice: arrayOf(throttle),
    throttleWriteBpsDevice: arrayOf(throttle),
    throttleReadIOPSDevice: arrayOf(throttle),
    throttleWriteIOPSDevice: arrayOf(throttle),
    weightDevice: arrayOf({ type: 'object', allOf: [ref('blockDevice'), obj({ weight: ref('weight'), leafWeight: ref('weight') })] }),
  }),
  cpu: obj({ cpus: str, mems: str, period: ref('u64'), quota: ref('i64'), burst: ref('u64'), realtimePeriod: ref('u64'), realtimeRuntime: ref('i64'), shares: ref('u64'), idle: ref('i64') }),
  hugepageLimits: arrayOf(obj({ pageSize: { type: 'string', pattern: '^[1-9][0-9]*[KMG]B$' }, limit: ref('u64') }, ['pageSize', 'limit'])),
  memory: obj({
    kernel: ref('i64'), kernelTCP: ref('i64'), limit: ref('i64'), reservation: ref('i64'), swap: ref('i64'),
    swappiness: ref('u64'), disableOOMKiller: bool, useHierarchy: bool, checkBeforeUpdate: bool,
  }),
  network: obj({ classID: ref('u32'), priorities: arrayOf(obj({ name: str, priority: ref('u32') }, ['name', 'priority'])) }),
  rdma: mapOf(obj({ hcaHandles: ref('u32'), hcaObjects: ref('u32') })),
});

const linuxSchema = obj({
  devices: arrayOf(obj({
    type: { type: 'string', pattern: '^[cbup]$' },
    path: str,
    fileMode: int(0, 511),
    major: ref('deviceNumber'),
    minor: ref('deviceNumber'),
    uid: ref('u32'),
    gid: ref('u32'),
  }, ['type', 'path'])),
  netDevices: mapOf(obj({ name: str })),
  uidMappings: arrayOf(ref('idMapping')),
  gidMappings: arrayOf(ref('idMapping')),
  namespaces: arrayOf(obj({ type: ref('namespaceType'), path: str }, ['type'])),
  resources,
  cgroupsPath: str,
  rootfsPropagation: oneOfWords('private', 'shared', 'slave', 'unbindable'),
  seccomp: obj({
    defaultAction: ref('seccompAction'),
    defaultErrnoRet: ref('u32'),
    flags: arrayOf(ref('seccompFlag')),
    listenerPath: str,
    listenerMetadata: str,
    architectures: arrayOf(ref('seccompArch')),
    syscalls: arrayOf(obj({
      names: arrayOf(str, { minItems: 1 }),
      action: ref('seccompAction'),
      errnoRet: ref('u32'),
      args: arrayOf(obj({ index: ref('u32'), value: ref('u64'), valueTwo: ref('u64'), op: ref('seccompOperator') }, ['index', 'value', 'op'])),
    }, ['names', 'action'])),
  }, ['defaultAction']),
  sysctl: ref('stringMap'),
  maskedPaths: ref('strings'),
  readonlyPaths: ref('strings'),
  mountLabel: str,
  intelRdt: obj({ closID: str, schemata: ref('strings'), l3CacheSchema: str, memBwSchema: { type: 'string', pattern: '^MB:[^\\n]*$' }, enableMonitoring: bool }),
  memoryPolicy: obj({
    mode: oneOfWords('MPOL_DEFAULT', 'MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_WEIGHTED_INTERLEAVE', 'MPOL_PREFERRED', 'MPOL_PREFERRED_MANY', 'MPOL_LOCAL'),
    nodes: str,
    flags: arrayOf(oneOfWords('MPOL_F_NUMA_BALANCING', 'MPOL_F_RELATIVE_NODES', 'MPOL_F_STATIC_NODES')),
  }),
  personality: obj({ domain: oneOfWords('LINUX', 'LINUX32'), flags: ref('strings') }),
  timeOffsets: obj({
    boottime: obj({ secs: ref('i64'), nanosecs: ref('u32') }),
    monotonic: obj({ secs: ref('i64'), nanosecs: ref('u32') }),
  }),
});

const DRAFT = 'http://json-schema.org/draft-07/schema#';

const config = {
  $schema: DRAFT,
  $id: 'https://berth.invalid/schemas/config.schema.json',
  title: 'berth: config.json of an OCI bundle (runtime-spec 1.3.0, Linux)',
  type: 'object',
  required: ['ociVersion'],
  properties: {
    ociVersion: ref('version'),
    hooks: obj(Object.fromEntries(['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'].map((k) => [k, ref('hookList')]))),
    annotations: ref('stringMap'),
    hostname: str,
    domainname: str,
    mounts: arrayOf(obj({
      source: str, destination: str, options: ref('strings'), type: str,
      uidMappings: arrayOf(ref('idMapping')), gidMappings: arrayOf(ref('idMapping')),
    }, ['destination'])),
    root: obj({ path: str, readonly: bool }, ['path']),
    process: processSchema,
    linux: linuxSchema,
  },
  $defs: shared,
};

const state = {
  $schema: DRAFT,
  $id: 'https://berth.invalid/schemas/state.schema.json',
  title: 'berth: the container state document (runtime.md)',
  type: 'object',
  required: ['ociVersion', 'id', 'status', 'bundle'],
  properties: {
    ociVersion: ref('version'),
    id: str,
    status: oneOfWords('creating', 'created', 'running', 'stopped'),
    pid: { type: 'integer', minimum: 0 },
    bundle: str,
    annotations: ref('stringMap'),
  },
  $defs: { version: str, stringMap: shared.stringMap },
};

const features = {
  $schema: DRAFT,
  $id: 'https://berth.invalid/schemas/features.schema.json',
  title: 'berth: the runtime features document',
  type: 'object',
  required: ['ociVersionMin', 'ociVersionMax'],
  properties: {
    ociVersionMin: str,
    ociVersionMax: str,
    hooks: ref('strings'),
    mountOptions: ref('strings'),
    annotations: ref('stringMap'),
    potentiallyUnsafeConfigAnnotations: ref('strings'),
    linux: obj({
      namespaces: arrayOf(namespaceType),
      capabilities: arrayOf({ type: 'string', pattern: '^CAP_[A-Z_]+$' }),
      cgroup: obj({ v1: bool, v2: bool, systemd: bool, systemdUser: bool, rdma: bool }),
      seccomp: obj({
        enabled: bool,
        actions: arrayOf(seccompActions),
        operators: arrayOf(seccompOperators),
        archs: arrayOf(seccompArchs),
        knownFlags: arrayOf(seccompFlags),
        supportedFlags: arrayOf(seccompFlags),
      }),
      apparmor: obj({ enabled: bool }),
      selinux: obj({ enabled: bool }),
      intelRdt: obj({ enabled: bool }),
      mountExtensions: obj({ idmap: obj({ enabled: bool }) }),
      netDevices: obj({ enabled: bool }),
    }),
  },
  $defs: { strings: shared.strings, stringMap: shared.stringMap },
};

for (const [name, schema] of Object.entries({ config, state, features })) {
  fs.writeFileSync(path.join(__dirname, `${name}.schema.json`), JSON.stringify(schema, null, 2) + '\n');
}
