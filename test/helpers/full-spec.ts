// A config.json that uses every Linux field of runtime-spec 1.3.0 once, valid under the
// official schema and berth's semantic rules. The schema tests mutate it (so every field's
// rules get exercised), the semantic tests break one rule of it at a time.

import type { Spec } from '../../src/spec/types.js';

const idMap = () => [{ containerID: 0, hostID: 100000, size: 65536 }];
const hook = (name: string) => ({ path: `/usr/libexec/berth-test/${name}`, args: [name, '--flag'], env: ['HOOK=1'], timeout: 5 });

export function fullSpec(): Spec {
  const doc = {
    ociVersion: '1.3.0',
    root: { path: 'rootfs', readonly: true },
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/data', type: 'none', source: '/srv/data', options: ['rbind', 'ro', 'idmap'], uidMappings: idMap(), gidMappings: idMap() },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['mode=1777', 'size=64m'] },
    ],
    process: {
      terminal: false,
      consoleSize: { height: 24, width: 80 },
      user: { uid: 1000, gid: 1000, umask: 18, additionalGids: [5, 6], username: 'app' },
      args: ['/bin/sh', '-c', 'true'],
      commandLine: '/bin/sh -c true',
      env: ['PATH=/usr/bin:/bin', 'EMPTY='],
      cwd: '/home/app',
      capabilities: {
        bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
        effective: ['CAP_KILL'],
        inheritable: ['CAP_NET_BIND_SERVICE'],
        permitted: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
        ambient: ['CAP_NET_BIND_SERVICE'],
      },
      rlimits: [
        { type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 },
        { type: 'RLIMIT_CORE', soft: 0, hard: 18446744073709551615 },
      ],
      noNewPrivileges: true,
      apparmorProfile: 'berth-default',
      oomScoreAdj: 100,
      selinuxLabel: 'system_u:system_r:container_t:s0',
      ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 4 },
      scheduler: { policy: 'SCHED_DEADLINE', nice: 0, priority: 0, flags: ['SCHED_FLAG_RESET_ON_FORK'], runtime: 100000, deadline: 200000, period: 300000 },
      execCPUAffinity: { initial: '0', final: '0-1, 3' },
    },
    hostname: 'full',
    domainname: 'example.test',
    hooks: {
      prestart: [hook('prestart')],
      createRuntime: [hook('createRuntime')],
      createContainer: [hook('createContainer')],
      startContainer: [hook('startContainer')],
      poststart: [hook('poststart')],
      poststop: [hook('poststop')],
    },
    annotations: { 'org.example.key': 'value', 'io.berth.test': '' },
    linux: {
      devices: [
        { type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0 },
        { type: 'b', path: '/dev/sda', major: 8, minor: 0, fileMode: 432 },
        { type: 'p', path: '/dev/pipe' },
      ],
      netDevices: { eth1: { name: 'ceth1' }, eth2: {} },
      uidMappings: idMap(),
      gidMappings: idMap(),
      namespaces: [
        { type: 'pid' },
        { type: 'network', path: '/var/run/netns/berth-test' },
        { type: 'mount' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'user' },
        { type: 'cgroup' },
        { type: 'time' },
      ],
      resources: {
        unified: { 'memory.high': '1073741824' },
        devices: [
          { allow: false, access: 'rwm' },
          { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
          { allow: true, type: 'b', major: -1, minor: -1, access: 'm' },
        ],
        pids: { limit: 512 },
        blockIO: {
          weight: 500,
          leafWeight: 300,
          weightDevice: [{ major: 8, minor: 0, weight: 500, leafWeight: 300 }, { major: 8, minor: 16, weight: 200 }],
          throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 600 }],
          throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 700 }],
          throttleReadIOPSDevice: [{ major: 8, minor: 0, rate: 80 }],
          throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 300 }],
        },
        cpu: { cpus: '0-3', mems: '0', period: 100000, quota: 50000, burst: 10000, realtimePeriod: 1000000, realtimeRuntime: 950000, shares: 1024, idle: 0 },
        hugepageLimits: [{ pageSize: '2MB', limit: 209715200 }, { pageSize: '1GB', limit: 0 }],
        memory: {
          kernel: -1, kernelTCP: -1, limit: 536870912, reservation: 268435456, swap: 1073741824,
          swappiness: 60, disableOOMKiller: false, useHierarchy: true, checkBeforeUpdate: true,
        },
        network: { classID: 1048577, priorities: [{ name: 'eth0', priority: 500 }] },
        rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 }, mlx4_0: { hcaObjects: 1000 } },
      },
      cgroupsPath: '/berth/full',
      rootfsPropagation: 'slave',
      seccomp: {
        defaultAction: 'SCMP_ACT_ERRNO',
        defaultErrnoRet: 1,
        flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
        listenerPath: '/run/berth-test/seccomp.sock',
        listenerMetadata: 'metadata',
        architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
        syscalls: [
          { names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' },
          { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, args: [{ index: 1, value: 9, valueTwo: 0, op: 'SCMP_CMP_EQ' }] },
          { names: ['mount'], action: 'SCMP_ACT_NOTIFY' },
        ],
      },
      sysctl: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '4096', 'net/ipv4/conf/eth0.100/forwarding': '1' },
      maskedPaths: ['/proc/kcore', '/sys/firmware'],
      readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger'],
      mountLabel: 'system_u:object_r:container_file_t:s0',
      intelRdt: { closID: 'guaranteed', schemata: ['L3:0=7f0'], l3CacheSchema: 'L3:0=7f0', memBwSchema: 'MB:0=20', enableMonitoring: true },
      memoryPolicy: { mode: 'MPOL_BIND', nodes: '0-1', flags: ['MPOL_F_STATIC_NODES'] },
      personality: { domain: 'LINUX', flags: [] },
      timeOffsets: { monotonic: { secs: 3600, nanosecs: 500 }, boottime: { secs: -60, nanosecs: 0 } },
    },
  };
  return doc as unknown as Spec;
}
