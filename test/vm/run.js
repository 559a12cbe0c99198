#!/usr/bin/env node
// The VM suite: proves berth on a pure cgroup v2 host with Debian 12's 6.1 kernel. Boots that
// kernel (from .cache/vm, filled by fetch-kernel.sh) under qemu with cgroup_no_v1=all and an
// initramfs built here (busybox-static, the 9p/virtio/overlay modules, guest-init.sh). The
// guest sees the host's / read-only over 9p under a tmpfs overlay, so the built tree, node,
// runc and every library are simply there; it runs the items of tests.txt (guest.js) as root
// and leaves its log and counts on a writable 9p share that this script reads back.
//   node test/vm/run.js [PATTERN]   (PATTERN keeps only the plan items that match)
//   node test/vm/run.js --item 'integration ^idmap' [--item ...]   (these items instead)
// Last line: "vm: N passed, N failed, N skipped" (test/run.js counts it), or "vm: skipped: ...".
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { timeLoop } = require('./calibrate.js');

const root = path.resolve(__dirname, '../..');
const cache = process.env.BERTH_VM_CACHE || path.join(root, '.cache/vm');
const timeoutMs = Number(process.env.BERTH_VM_TIMEOUT_S || 1800) * 1000;
// Modules the guest loads, dependencies first (9p needs fscache and netfs in 6.1).
const MODULES = ['virtio_ring', 'virtio', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio_pci', 'netfs', 'fscache', '9pnet', '9pnet_virtio', '9p', 'overlay'];

function skip(why) {
  console.log(`vm: skipped: ${why}`);
  process.exit(0);
}

function which(cmd) {
  for (const dir of (process.env.PATH || '/usr/bin:/bin').split(':')) if (fs.existsSync(path.join(dir, cmd))) return path.join(dir, cmd);
  return undefined;
}

const qemu = which('qemu-system-x86_64');
if (!qemu) skip('qemu-system-x86_64 is not installed (scripts/setup.sh installs qemu-system-x86)');
const kernel = path.join(cache, 'vmlinuz');
const modulesDir = path.join(cache, 'modules');
if (!fs.existsSync(kernel) || !fs.existsSync(modulesDir)) skip(`no Debian 12 kernel in ${cache} (test/vm/fetch-kernel.sh downloads it)`);
const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
if (!busybox) skip('busybox-static is not installed');
if (process.getuid() !== 0) skip('the guest shares the host\'s / and runs as root: run as root');
if (!fs.existsSync(path.join(root, 'dist/berth')) || !fs.existsSync(path.join(root, 'build/test/integration'))) skip('the tree is not built (npm run build)');

/** Each module's .ko found under modulesDir by name, in MODULES order. */
function moduleFiles() {
  const found = new Map();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ko')) found.set(e.name.slice(0, -3), p);
    }
  };
  walk(modulesDir);
  return MODULES.map((m) => {
    if (!found.has(m)) skip(`module ${m}.ko is not in ${modulesDir}`);
    return [m, found.get(m)];
  });
}

/** The initramfs as an uncompressed newc cpio (the kernel takes it as it is). */
function buildInitramfs(work) {
  const stage = path.join(work, 'initramfs');
  for (const d of ['bin', 'dev', 'proc', 'sys', 'modules', 'newroot']) fs.mkdirSync(path.join(stage, d), { recursive: true });
  fs.copyFileSync(busybox, path.join(stage, 'bin/busybox'));
  fs.chmodSync(path.join(stage, 'bin/busybox'), 0o755);
  fs.symlinkSync('busybox', path.join(stage, 'bin/sh'));
  const mods = moduleFiles();
  for (const [name, file] of mods) fs.copyFileSync(file, path.join(stage, 'modules', `${name}.ko`));
  fs.writeFileSync(path.join(stage, 'modules/order'), `${mods.map(([n]) => n).join('\n')}\n`);
  fs.writeFileSync(path.join(stage, 'tree'), `${root}\n`);
  fs.copyFileSync(path.join(__dirname, 'guest-init.sh'), path.join(stage, 'init'));
  fs.chmodSync(path.join(stage, 'init'), 0o755);
  const out = path.join(work, 'initramfs.cpio');
  const list = spawnSync('find', ['.'], { cwd: stage, encoding: 'utf8' }).stdout;
  const cpio = spawnSync(busybox, ['cpio', '-o', '-H', 'newc'], { cwd: stage, input: list, maxBuffer: 256 << 20 });
  if (cpio.status !== 0) throw new Error(`cpio failed: ${cpio.stderr}`);
  fs.writeFileSync(out, cpio.stdout);
  return out;
}

/** What the guest measured of its starvation for one item (calibrate.js), when it was starved. */
function starvedText(i) {
  const parts = [];
  if ((i.starved ?? 1) > 1) parts.push(`${i.starved}x at its start (its time limits scaled by that)`);
  if ((i.starvedAfter ?? 1) > 1) parts.push(`${i.starvedAfter}x after it`);
  return parts.length ? `; the guest was starved of CPU: ${parts.join(', ')}` : '';
}

function planItems() {
  const argv = process.argv.slice(2);
  const given = argv.flatMap((a, i) => (argv[i - 1] === '--item' ? [a] : []));
  if (given.length) return given;
  const pattern = argv[0] ? new RegExp(argv[0]) : undefined;
  return fs.readFileSync(path.join(__dirname, 'tests.txt'), 'utf8').split('\n').map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && (!pattern || pattern.test(l)));
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vm-'));
  const share = path.join(work, 'share');
  fs.mkdirSync(share);
  try {
    fs.writeFileSync(path.join(share, 'plan.txt'), `${planItems().join('\n')}\n`);
    // The machine's speed for calibrate.js's loop, against which the guest measures its starvation.
    fs.writeFileSync(path.join(share, 'calibration.json'), JSON.stringify({ hostCpuMs: timeLoop().cpuMs }));
    const initrd = buildInitramfs(work);
    const args = [
      // KVM is there but a nested guest hangs after "Probing EDD": pure emulation (TCG).
      '-accel', 'tcg', '-cpu', 'max', '-smp', '2', '-m', '2G', '-nographic', '-no-reboot',
      '-kernel', kernel, '-initrd', initrd,
      '-append', 'console=ttyS0 cgroup_no_v1=all panic=-1 quiet',
      '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
      '-virtfs', `local,path=${share},mount_tag=results,security_model=none`,
    ];
    const started = Date.now();
    const console_ = [];
    const vm = spawn(qemu, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    vm.stdout.on('data', (d) => console_.push(d));
    vm.stderr.on('data', (d) => console_.push(d));
    const timer = setTimeout(() => vm.kill('SIGKILL'), timeoutMs);
    const code = await new Promise((resolve) => vm.on('exit', (c, s) => resolve(s || c)));
    clearTimeout(timer);
    const seconds = (Date.now() - started) / 1000;
    const logFile = path.join(share, 'log.txt');
    if (fs.existsSync(logFile)) process.stdout.write(fs.readFileSync(logFile, 'utf8'));
    let result;
    try {
      result = JSON.parse(fs.readFileSync(path.join(share, 'result.json'), 'utf8'));
    } catch {
      console.log(`vm: the guest left no result (qemu exit ${code}, ${seconds.toFixed(0)} s). Its console:`);
      console.log(Buffer.concat(console_).toString('utf8').split('\n').slice(-60).join('\n'));
      console.log('vm: 0 passed, 1 failed, 0 skipped');
      return 1;
    }
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    console.log(`\n== vm: kernel ${result.kernel}, cgroup2 controllers "${result.controllers}"`);
    for (const i of result.items) {
      console.log(`vm: ${i.item}: ${i.passed} passed, ${i.failed} failed, ${i.skipped} skipped (${i.seconds} s${starvedText(i)})`);
      passed += i.passed;
      failed += i.failed;
      skipped += i.skipped;
    }
    console.log(`vm: qemu start to result ${seconds.toFixed(1)} s (guest: node started at ${result.startedAt.toFixed(1)} s after boot, results at ${result.finishedAt.toFixed(1)} s)`);
    console.log(`vm: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    return failed ? 1 : 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(err && err.stack ? err.stack : String(err));
  console.log('vm: 0 passed, 1 failed, 0 skipped');
  process.exit(1);
});
