// The semantic rules: each broken rule is an error naming its JSON path; the problems the spec
// only asks to log are warnings; checkStartable asks for a program to run.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/errors.js';
import { sysctlProcPath } from '../../src/spec/rules/sysctl.js';
import { checkSemantics, checkStartable } from '../../src/spec/semantic.js';
import type { Spec } from '../../src/spec/types.js';
import { validateConfigSchema } from '../../src/spec/validate.js';
import { fullSpec } from '../helpers/full-spec.js';
import { minimalSpec } from '../helpers/specs.js';

/** The error for fullSpec() changed by `edit`; the edited document must still pass the schema. */
function errorOf(edit: (s: any) => void, base: () => Spec = fullSpec): ConfigError {
  const s = base() as any;
  edit(s);
  validateConfigSchema(s);
  try {
    checkSemantics(s);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no semantic error');
}

function warningsOf(edit: (s: any) => void, base: () => Spec = fullSpec): { jsonPath: string; detail: string }[] {
  const s = base() as any;
  edit(s);
  validateConfigSchema(s);
  return checkSemantics(s).map(({ jsonPath, detail }) => ({ jsonPath, detail }));
}

test('the full config and the minimal one pass with no warning', () => {
  assert.equal(warningsOf(() => {}), []);
  assert.equal(warningsOf(() => {}, minimalSpec), []);
});

// [what, edit, the JSON path named, a piece of the message]
const RULES: [string, (s: any) => void, string, string][] = [
  // general
  ['root is required', (s) => delete s.root, '/root', 'required on Linux'],
  ['root.path is not empty', (s) => (s.root.path = ''), '/root/path', 'is empty'],
  ['hostname needs a uts namespace', (s) => (s.linux.namespaces = s.linux.namespaces.filter((n: any) => n.type !== 'uts')), '/hostname', 'uts namespace'],
  ['domainname needs a uts namespace', (s) => { delete s.hostname; s.linux.namespaces = s.linux.namespaces.filter((n: any) => n.type !== 'uts'); }, '/domainname', 'uts namespace'],
  ['hostname fits the kernel', (s) => (s.hostname = 'h'.repeat(65)), '/hostname', '65 bytes'],
  ['annotation keys are not empty', (s) => (s.annotations[''] = 'v'), '/annotations/', 'must not be empty'],
  ['hook paths are absolute', (s) => (s.hooks.poststop[0].path = 'hook'), '/hooks/poststop/0/path', 'must be absolute'],
  ['hook args have no NUL', (s) => (s.hooks.prestart[0].args[1] = 'a\0b'), '/hooks/prestart/0/args/1', 'NUL'],
  // process
  ['cwd is absolute', (s) => (s.process.cwd = 'home/app'), '/process/cwd', 'must be absolute'],
  ['user is required', (s) => delete s.process.user, '/process/user', 'required on Linux'],
  ['uid is required', (s) => delete s.process.user.uid, '/process/user/uid', 'required on Linux'],
  ['args have no NUL', (s) => (s.process.args[2] = 'tr\0ue'), '/process/args/2', 'NUL'],
  ['env entries are NAME=value', (s) => s.process.env.push('JUSTNAME'), '/process/env/2', 'has no "="'],
  ['env names are not empty', (s) => s.process.env.push('=value'), '/process/env/2', 'empty name'],
  ['rlimit types are Linux ones', (s) => (s.process.rlimits[1].type = 'RLIMIT_BOGUS'), '/process/rlimits/1/type', 'not a Linux resource limit'],
  ['rlimit types are unique', (s) => (s.process.rlimits[1].type = 'RLIMIT_NOFILE'), '/process/rlimits/1/type', 'already set by /process/rlimits/0'],
  ['soft <= hard', (s) => (s.process.rlimits[0].soft = 5000), '/process/rlimits/0/soft', 'above the hard limit 4096'],
  ['oomScoreAdj in range', (s) => (s.process.oomScoreAdj = 1001), '/process/oomScoreAdj', '-1000 to 1000'],
  ['ioPriority has a priority', (s) => delete s.process.ioPriority.priority, '/process/ioPriority/priority', 'required'],
  ['ioPriority in 0..7', (s) => (s.process.ioPriority.priority = 8), '/process/ioPriority/priority', '0 (highest) to 7'],
  ['nice in range', (s) => (s.process.scheduler.nice = 20), '/process/scheduler/nice', '-20 to 19'],
  ['realtime needs a priority', (s) => (s.process.scheduler = { policy: 'SCHED_FIFO' }), '/process/scheduler/priority', 'from 1 to 99'],
  ['only realtime takes a priority', (s) => (s.process.scheduler = { policy: 'SCHED_OTHER', priority: 5 }), '/process/scheduler/priority', 'only SCHED_FIFO and SCHED_RR'],
  ['only deadline takes a runtime', (s) => (s.process.scheduler = { policy: 'SCHED_BATCH', runtime: 5 }), '/process/scheduler/runtime', 'only SCHED_DEADLINE'],
  ['deadline >= runtime', (s) => (s.process.scheduler.deadline = 50000), '/process/scheduler/deadline', 'below the runtime'],
  ['period >= deadline', (s) => (s.process.scheduler.period = 150000), '/process/scheduler/period', 'below the deadline'],
  ['CPU lists run forwards', (s) => (s.process.execCPUAffinity.final = '3-1'), '/process/execCPUAffinity/final', 'runs backwards'],
  // namespaces and ids
  ['namespace types are unique', (s) => s.linux.namespaces.push({ type: 'pid' }), '/linux/namespaces/8/type', 'already listed at /linux/namespaces/0'],
  ['namespace paths are absolute', (s) => (s.linux.namespaces[1].path = 'netns/x'), '/linux/namespaces/1/path', 'must be absolute'],
  ['a new user namespace needs uid mappings', (s) => delete s.linux.uidMappings, '/linux/uidMappings', 'needs uid mappings'],
  ['a new user namespace needs gid mappings', (s) => (s.linux.gidMappings = []), '/linux/gidMappings', 'needs gid mappings'],
  ['mappings need a user namespace', (s) => { s.linux.namespaces.splice(5, 1); s.mounts.splice(1, 1); }, '/linux/uidMappings', 'need a user namespace'],
  ['mapping sizes are positive', (s) => (s.linux.uidMappings[0].size = 0), '/linux/uidMappings/0/size', 'at least 1'],
  ['mappings stay in 32 bits', (s) => (s.linux.gidMappings[0].hostID = 4294967295), '/linux/gidMappings/0', 'past the last 32-bit id'],
  ['mappings do not overlap', (s) => s.linux.uidMappings.push({ containerID: 65535, hostID: 900000, size: 2 }), '/linux/uidMappings/1', 'overlap those of /linux/uidMappings/0'],
  ['the uid is mapped', (s) => (s.process.user.uid = 70000), '/process/user/uid', 'not mapped by /linux/uidMappings'],
  ['additional gids are mapped', (s) => s.process.user.additionalGids.push(99999), '/process/user/additionalGids/2', 'not mapped'],
  ['time offsets need a time namespace', (s) => (s.linux.namespaces = s.linux.namespaces.filter((n: any) => n.type !== 'time')), '/linux/timeOffsets/monotonic', 'need a new time namespace'],
  ['time offsets need a new time namespace', (s) => (s.linux.namespaces[7].path = '/proc/1/ns/time'), '/linux/timeOffsets/monotonic', 'joined time namespace'],
  ['time offsets name known clocks', (s) => (s.linux.timeOffsets.realtime = { secs: 1 }), '/linux/timeOffsets/realtime', 'only monotonic and boottime'],
  ['nanosecs below a second', (s) => (s.linux.timeOffsets.boottime.nanosecs = 1e9), '/linux/timeOffsets/boottime/nanosecs', 'below 1000000000'],
  // paths inside the container
  ['mount destinations are not empty', (s) => (s.mounts[2].destination = ''), '/mounts/2/destination', 'is empty'],
  ['no mount over /', (s) => (s.mounts[2].destination = '/tmp/..'), '/mounts/2/destination', "container's / itself"],
  ['no mount inside /proc', (s) => (s.mounts[2].destination = '/proc/self/attr'), '/mounts/2/destination', 'inside /proc'],
  ['only proc over /proc', (s) => (s.mounts[2].destination = '/proc/'), '/mounts/2/destination', 'must be a proc mount'],
  ['no bind of a plain directory over /proc', (s) => s.mounts.push({ destination: '/proc', type: 'bind', source: '/tmp', options: ['rbind'] }), '/mounts/3/destination', 'not a bind of /tmp'],
  ['bind mounts have a source', (s) => delete s.mounts[1].source, '/mounts/1/source', 'needs a source'],
  ['id-mapped mounts have both mappings', (s) => delete s.mounts[1].gidMappings, '/mounts/1/gidMappings', 'along with uidMappings'],
  ['idmap without mappings needs a user namespace', (s) => { s.linux.namespaces.splice(5, 1); delete s.linux.uidMappings; delete s.linux.gidMappings; delete s.mounts[1].uidMappings; delete s.mounts[1].gidMappings; }, '/mounts/1/options', 'needs a user namespace'],
  ['device paths are absolute', (s) => (s.linux.devices[0].path = 'dev/fuse'), '/linux/devices/0/path', 'must be absolute'],
  ['char devices have numbers', (s) => delete s.linux.devices[1].minor, '/linux/devices/1/minor', 'required for a device of type "b"'],
  ['one path, one device', (s) => (s.linux.devices[1].path = '/dev/./fuse'), '/linux/devices/1/path', 'already a different device'],
  ['masked paths are absolute', (s) => (s.linux.maskedPaths[1] = 'sys/firmware'), '/linux/maskedPaths/1', 'must be absolute'],
  ['no mount over / through ".."', (s) => (s.mounts[2].destination = '/../..'), '/mounts/2/destination', "container's / itself"],
  // resources
  ['device rule types', (s) => (s.linux.resources.devices[1].type = 'p'), '/linux/resources/devices/1/type', 'not a (all), b (block) or c (char)'],
  ['device rule access letters', (s) => (s.linux.resources.devices[1].access = 'rx'), '/linux/resources/devices/1/access', 'r (read), w (write) and m (mknod)'],
  ['swappiness at most 100', (s) => (s.linux.resources.memory.swappiness = 101), '/linux/resources/memory/swappiness', 'above 100'],
  ['memory+swap >= memory', (s) => (s.linux.resources.memory.swap = 1024), '/linux/resources/memory/swap', 'below the memory limit'],
  ['burst <= quota', (s) => (s.linux.resources.cpu.burst = 60000), '/linux/resources/cpu/burst', 'above the quota'],
  ['cpu idle is 0 or 1', (s) => (s.linux.resources.cpu.idle = 2), '/linux/resources/cpu/idle', 'neither 0 nor 1'],
  ['cpuset lists', (s) => (s.linux.resources.cpu.cpus = '0-3,x'), '/linux/resources/cpu/cpus', '"x" is not a number'],
  ['weight entries carry a weight', (s) => (s.linux.resources.blockIO.weightDevice[1] = { major: 8, minor: 16 }), '/linux/resources/blockIO/weightDevice/1', 'weight or a leafWeight'],
  ['throttle entries carry a rate', (s) => delete s.linux.resources.blockIO.throttleWriteIOPSDevice[0].rate, '/linux/resources/blockIO/throttleWriteIOPSDevice/0/rate', 'is required'],
  ['rdma entries carry a limit', (s) => (s.linux.resources.rdma.mlx4_0 = {}), '/linux/resources/rdma/mlx4_0', 'hcaHandles or hcaObjects'],
  ['unified keys are file names', (s) => (s.linux.resources.unified['../cgroup.procs'] = '1'), '/linux/resources/unified/..~1cgroup.procs', 'not a cgroup file name'],
  // seccomp
  ['notify is not a default action', (s) => (s.linux.seccomp.defaultAction = 'SCMP_ACT_NOTIFY'), '/linux/seccomp/defaultAction', 'cannot be the default'],
  ['defaultErrnoRet needs an errno action', (s) => (s.linux.seccomp.defaultAction = 'SCMP_ACT_KILL'), '/linux/seccomp/defaultErrnoRet', 'returns no errno'],
  ['errnoRet needs an errno action', (s) => (s.linux.seccomp.syscalls[1].action = 'SCMP_ACT_LOG'), '/linux/seccomp/syscalls/1/errnoRet', 'returns no errno'],
  ['metadata needs a listener', (s) => { delete s.linux.seccomp.listenerPath; s.linux.seccomp.syscalls.pop(); }, '/linux/seccomp/listenerMetadata', 'without a listenerPath'],
  ['notify needs a listener', (s) => { delete s.linux.seccomp.listenerPath; delete s.linux.seccomp.listenerMetadata; }, '/linux/seccomp/syscalls/2/action', 'needs /linux/seccomp/listenerPath'],
  ['syscall names are not empty', (s) => s.linux.seccomp.syscalls[0].names.push(''), '/linux/seccomp/syscalls/0/names/3', 'is empty'],
  ['argument indexes 0..5', (s) => (s.linux.seccomp.syscalls[1].args[0].index = 6), '/linux/seccomp/syscalls/1/args/0/index', 'arguments 0 to 5'],
  // sysctl
  ['sysctl names are well formed', (s) => (s.linux.sysctl['net..ipv4'] = '1'), '/linux/sysctl/net..ipv4', 'not a sysctl name'],
  ['sysctl paths cannot climb', (s) => (s.linux.sysctl['net/../../etc/x'] = '1'), '/linux/sysctl/net~1..~1..~1etc~1x', 'not a sysctl name'],
  ['net sysctls need a network namespace', (s) => { s.linux.namespaces.splice(1, 1); s.linux.netDevices = {}; }, '/linux/sysctl/net.ipv4.ip_forward', 'network namespace'],
  ['ipc sysctls need an ipc namespace', (s) => s.linux.namespaces.splice(3, 1), '/linux/sysctl/kernel.shmmax', 'ipc namespace'],
  ['host-wide sysctls are refused', (s) => (s.linux.sysctl['vm.overcommit_memory'] = '1'), '/linux/sysctl/vm.overcommit_memory', 'would change the host'],
  ['kernel.hostname agrees with /hostname', (s) => (s.linux.sysctl['kernel.hostname'] = 'x'), '/linux/sysctl/kernel.hostname', '"x" disagrees with /hostname "full"'],
  ['kernel.domainname agrees with /domainname', (s) => (s.linux.sysctl['kernel/domainname'] = 'x'), '/linux/sysctl/kernel~1domainname', '"x" disagrees with /domainname "example.test"'],
  // the smaller sections
  ['personality has a domain', (s) => delete s.linux.personality.domain, '/linux/personality/domain', 'required'],
  ['memoryPolicy has a mode', (s) => delete s.linux.memoryPolicy.mode, '/linux/memoryPolicy/mode', 'required'],
  ['MPOL_BIND needs nodes', (s) => (s.linux.memoryPolicy.nodes = ''), '/linux/memoryPolicy/nodes', 'needs at least one node'],
  ['MPOL_LOCAL takes no nodes', (s) => (s.linux.memoryPolicy = { mode: 'MPOL_LOCAL', nodes: '0' }), '/linux/memoryPolicy/nodes', 'takes no nodes'],
  ['relative and static node flags exclude each other', (s) => s.linux.memoryPolicy.flags.push('MPOL_F_RELATIVE_NODES'), '/linux/memoryPolicy/flags', 'exclude each other'],
  ['net devices need a network namespace', (s) => { s.linux.namespaces.splice(1, 1); s.linux.sysctl = {}; }, '/linux/netDevices/eth1', 'network namespace'],
  ['net device names fit IFNAMSIZ', (s) => (s.linux.netDevices.eth1.name = 'a-very-long-name0'), '/linux/netDevices/eth1/name', 'longer than 15 bytes'],
  ['net device names have no slash', (s) => (s.linux.netDevices['a/b'] = {}), '/linux/netDevices/a~1b', 'contains "/"'],
  ['two devices, one name', (s) => (s.linux.netDevices.eth2.name = 'ceth1'), '/linux/netDevices/eth2', 'also the name given to /linux/netDevices/eth1'],
  ['closID is a group name', (s) => (s.linux.intelRdt.closID = '../x'), '/linux/intelRdt/closID', 'not a resctrl group name'],
];

for (const [what, edit, jsonPath, fragment] of RULES) {
  test(`rule: ${what}`, () => {
    const e = errorOf(edit);
    assert.is(e.jsonPath, jsonPath, e.message);
    assert.ok(e.message.startsWith(`config.json ${jsonPath}: `), e.message);
    assert.match(e.message, fragment);
  });
}

test('what the rules allow: relative-free joins, %d templates, the lxcfs files, odd but valid values', () => {
  assert.equal(warningsOf((s) => {
    // a joined user namespace brings its own maps; mappings beside it are allowed
    s.linux.namespaces[5].path = '/proc/1/ns/user';
    s.linux.netDevices = { eth1: { name: 'veth%d' }, eth2: { name: 'veth%d' } };
    s.mounts.push({ destination: '/proc/meminfo', source: '/var/lib/lxcfs/proc/meminfo', options: ['bind'] });
    s.mounts.push({ destination: '/proc', type: 'bind', source: '/proc', options: ['rbind'] }); // a procfs source
    s.mounts.push({ destination: '/srv//data/./x/../y', type: 'tmpfs', source: 'tmpfs' });
    s.linux.devices.push({ ...s.linux.devices[0] }); // the same node twice
    s.linux.sysctl = { 'fs.mqueue.msg_max': '10', 'kernel.domainname': 'example.test', 'kernel.hostname': '', 'net.ipv4.conf.eth0/100.forwarding': '1' };
    s.process.scheduler = { policy: 'SCHED_RR', priority: 99 };
    s.process.env.push('WITH=equals=inside');
    s.hostname = '';
  }), []);
});

test('unknown capabilities, relative destinations and ".." above / are warnings, not errors', () => {
  const warnings = warningsOf((s) => {
    s.process.capabilities.bounding.push('CAP_FROM_THE_FUTURE');
    s.process.capabilities.ambient.push('CAP_KILL');
    s.mounts[2].destination = 'tmp';
    s.mounts[1].options = ['rbind'];
    s.mounts.push({ destination: '/../../../berth-escape', type: 'tmpfs', source: 'tmpfs' });
    s.linux.readonlyPaths[0] = '/../proc/sys';
  });
  assert.equal(warnings, [
    { jsonPath: '/mounts/1/options', detail: 'a mount with id mappings should say "idmap" or "ridmap" in its options' },
    { jsonPath: '/mounts/2/destination', detail: 'relative destination "tmp" is deprecated; it is taken as "/tmp"' },
    { jsonPath: '/mounts/3/destination', detail: '"/../../../berth-escape" climbs above the container\'s / with ".."; it is taken as "/berth-escape"' },
    { jsonPath: '/process/capabilities/bounding/3', detail: 'unknown capability "CAP_FROM_THE_FUTURE" is ignored' },
    { jsonPath: '/process/capabilities/ambient', detail: 'CAP_KILL is not also permitted and inheritable, so the kernel will not raise it' },
    { jsonPath: '/linux/readonlyPaths/0', detail: '"/../proc/sys" climbs above the container\'s / with ".."; it is taken as "/proc/sys"' },
  ]);
});

test('ambient capabilities that cannot be raised make one warning, as runc\'s default spec has three', () => {
  const warnings = warningsOf((s) => {
    s.process.capabilities = { bounding: ['CAP_KILL'], permitted: ['CAP_KILL'], ambient: ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'] };
  });
  assert.equal(warnings, [
    {
      jsonPath: '/process/capabilities/ambient',
      detail: 'CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE are not also permitted and inheritable, so the kernel will not raise them',
    },
  ]);
});

test('checkStartable: a process with a program to run', () => {
  const startErr = (edit: (s: any) => void) => {
    const s = minimalSpec() as any;
    edit(s);
    try {
      checkStartable(s);
    } catch (e) {
      if (e instanceof ConfigError) return e.jsonPath;
      throw e;
    }
    return 'no error';
  };
  assert.is(startErr(() => {}), 'no error');
  assert.is(startErr((s) => delete s.process), '/process');
  assert.is(startErr((s) => delete s.process.args), '/process/args');
  assert.is(startErr((s) => (s.process.args = [])), '/process/args');
  assert.is(startErr((s) => (s.process.args = [''])), '/process/args/0');
  // a config without a process is still valid; only start needs one
  const noProcess = minimalSpec() as any;
  delete noProcess.process;
  assert.equal(checkSemantics(noProcess), []);
});

test('sysctl keys map to the file under /proc/sys in both spellings', () => {
  assert.is(sysctlProcPath('net.ipv4.ip_forward'), 'net/ipv4/ip_forward');
  assert.is(sysctlProcPath('net/ipv4/conf/eno2.100/rp_filter'), 'net/ipv4/conf/eno2.100/rp_filter');
  assert.is(sysctlProcPath('net.ipv4.conf.eno2/100.rp_filter'), 'net/ipv4/conf/eno2.100/rp_filter');
});

test.run();
