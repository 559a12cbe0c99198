#!/bin/busybox sh
# /init of the VM suite's initramfs (test/vm/run.js builds it). Loads the 9p and overlay
# modules, mounts the host's / read-only (9p) under a tmpfs overlay, gives it /proc, /sys,
# cgroup2, /dev, /tmp and /run, mounts the writable results share at /run/vm and switches
# into it to run test/vm/guest.js with the host's node.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules/order); do insmod /modules/$m.ko || echo "vm-init: insmod $m failed"; done
mkdir -p /host /upper /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host || { echo "vm-init: cannot mount the host's root"; poweroff -f; }
mount -t tmpfs -o mode=755 upper /upper
mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/host,upperdir=/upper/u,workdir=/upper/w overlay /newroot || { echo "vm-init: overlay failed"; poweroff -f; }
n=/newroot
tree=$(cat /tree)
# A tree under /tmp or /run (a CI clone, say) would be hidden by the tmpfs mounted there below:
# hold its overlay directory aside and put it back on top.
case $tree in /tmp/*|/run/*) mkdir -p /keep && mount --bind $n$tree /keep ;; esac
mount -t proc proc $n/proc
mount -t sysfs sysfs $n/sys
mount -t cgroup2 -o nsdelegate cgroup2 $n/sys/fs/cgroup
mount -t devtmpfs devtmpfs $n/dev
mkdir -p $n/dev/pts $n/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts $n/dev/pts
mount -t tmpfs -o mode=1777 shm $n/dev/shm
mount -t tmpfs -o mode=1777 tmp $n/tmp
mount -t tmpfs -o mode=755 run $n/run
mkdir -p $n/run/vm
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results $n/run/vm || { echo "vm-init: cannot mount the results share"; poweroff -f; }
case $tree in /tmp/*|/run/*) mkdir -p $n$tree && mount --move /keep $n$tree ;; esac
# PID 1 stays a shell: it reaps the orphans containers leave behind while node runs.
exec switch_root $n /bin/sh -c "cd $tree && /usr/bin/node test/vm/guest.js; echo o > /proc/sysrq-trigger; sleep 10"
