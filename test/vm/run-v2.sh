#!/bin/bash
# Runs berth's cgroup and resources tests on a real pure-cgroup2 kernel: boots
# Debian's kernel under KVM with cgroup_no_v1=all, the host's "/" shared
# read-only over 9p with a tmpfs overlaid for writes, cgroup2 alone mounted at
# /sys/fs/cgroup, and the repo's compiled tests run inside. Prints the VM's
# output and exits with the tests' status.
#   usage: test/vm/run-v2.sh [TEST-PATTERN...]   (default: test/resources test/cgroup)
# Needs root and /dev/kvm. Installs qemu-system-x86 with apt if missing; the
# kernel package (linux-image-amd64's current version) is only unpacked into
# .cache/vm (apt-get download + dpkg -x): the host's /boot is never touched.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cache="$repo/.cache/vm"
patterns=("${@:-test/resources}")
[ $# -eq 0 ] && patterns=(test/resources test/cgroup)
mkdir -p "$cache"

[ -c /dev/kvm ] || { echo "run-v2: /dev/kvm is missing: cannot boot the cgroup2 VM" >&2; exit 2; }
if ! command -v qemu-system-x86_64 >/dev/null; then
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
fi

# --- the kernel: Debian's linux-image-amd64, unpacked once
kdir="$cache/kernel"
if [ ! -f "$kdir/.done" ]; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
  if [ -z "$pkg" ]; then apt-get update -qq; pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}'); fi
  rm -rf "$kdir" "$cache/deb"; mkdir -p "$kdir" "$cache/deb"
  (cd "$cache/deb" && apt-get download "$pkg" >/dev/null 2>&1)
  dpkg -x "$cache"/deb/*.deb "$kdir"
  rm -rf "$cache/deb"
  touch "$kdir/.done"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -1)
kver=$(basename "$(ls -d "$kdir"/lib/modules/*)")
moddir="$kdir/lib/modules/$kver"

# --- busybox-static through the test fixture helper (downloads it into .cache once)
[ -f "$repo/dist/test/helpers/fixtures.js" ] || (cd "$repo" && npx tsc -p . >/dev/null 2>&1 || true)
busybox=$(cd "$repo" && node -e "import('./dist/test/helpers/fixtures.js').then(m => console.log(m.busyboxBinary()))")
(cd "$repo" && node -e "import('./dist/test/helpers/fixtures.js').then(m => m.busyboxTar())") # the tests' image, made before the root turns read-only

# --- initramfs: busybox, the modules for 9p + overlay (with their dependencies), /init
ird="$cache/initramfs"
rm -rf "$ird"; mkdir -p "$ird"/{bin,proc,sys,dev,lower,upper,newroot,mods}
cp "$busybox" "$ird/bin/busybox"
order=()
load() { # module name → its dependencies first (from the .ko's modinfo "depends=")
  local name=$1 file dep
  for m in "${order[@]:-}"; do [ "$m" = "$name" ] && return; done
  file=$(find "$moddir/kernel" -name "$name.ko" -o -name "${name//_/-}.ko" | head -1)
  [ -n "$file" ] || { grep -qw "$name" "$moddir/modules.builtin" 2>/dev/null || echo "run-v2: module $name not found (assuming built in)" >&2; return; }
  for dep in $(grep -a -o 'depends=[A-Za-z0-9_,-]*' "$file" | head -1 | cut -d= -f2 | tr ',' ' '); do load "$dep"; done
  cp "$file" "$ird/mods/$name.ko"
  order+=("$name")
}
for m in virtio_pci 9pnet_virtio 9p overlay; do load "$m"; done
printf '%s\n' "${order[@]}" > "$ird/mods/order"

cmd="cd $repo && node -- bin/berth.js info | grep -i cgroup"
for p in "${patterns[@]}"; do cmd="$cmd; node test/run.js $p; echo \"BERTH-VM-STATUS $p \$?\""; done
cat > "$ird/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in \$(cat /mods/order); do insmod /mods/\$m.ko || echo "insmod \$m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower || { echo "BERTH-VM-FAIL mount 9p"; poweroff -f; }
mount -t tmpfs -o size=400m tmpfs /upper && mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w overlay /newroot || { echo "BERTH-VM-FAIL mount overlay"; poweroff -f; }
mount -t proc proc /newroot/proc
mount -t sysfs sys /newroot/sys
mount -t cgroup2 cgroup2 /newroot/sys/fs/cgroup
mount -t devtmpfs dev /newroot/dev
# /tmp gets a tmpfs of its own: berth's test roots live there, and their container overlays
# cannot use an overlayfs (the VM's root) as upper dir. A repo under /tmp is carried over.
case "$repo" in /tmp/*) mkdir -p /stage && mount --bind "/newroot$repo" /stage ;; esac
mount -t tmpfs -o size=1500m tmpfs /newroot/tmp
case "$repo" in /tmp/*) mkdir -p "/newroot$repo" && mount --move /stage "/newroot$repo" ;; esac
mount -t tmpfs tmpfs /newroot/run
mkdir -p /newroot/dev/shm /newroot/dev/pts && mount -t tmpfs tmpfs /newroot/dev/shm && mount -t devpts devpts /newroot/dev/pts
ip link set lo up 2>/dev/null
echo "BERTH-VM-BOOTED \$(uname -r) \$(cat /proc/cmdline)"
chroot /newroot /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb /bin/sh -c '$cmd'
echo "BERTH-VM-DONE"
poweroff -f
INIT
chmod 755 "$ird/init"
(cd "$ird" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1 > "$cache/initramfs.cpio.gz")

# --- boot; the VM powers off when the tests end (-no-reboot turns a panic into an exit too).
# KVM first; where the guest kernel hangs under KVM (seen on this nested Firecracker host: no
# output after the real-mode setup, with every -cpu model tried) fall back to TCG emulation,
# which is slower but runs the same kernel. BERTH_VM_ACCEL=kvm|tcg forces one.
log="$cache/vm.log"
boot() { # $1 = accel; runs qemu in the background, output to $log
  local cpu
  if [ "$1" = kvm ]; then cpu="-enable-kvm -cpu host,-arch-capabilities"; else cpu="-accel tcg,thread=multi -cpu max"; fi
  : > "$log"
  # shellcheck disable=SC2086
  qemu-system-x86_64 $cpu -smp 2 -m 2G -display none -serial "file:$log" -monitor none -no-reboot \
    -kernel "$vmlinuz" -initrd "$cache/initramfs.cpio.gz" \
    -append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet loglevel=3" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -nic none </dev/null >/dev/null 2>&1 &
  qpid=$!
}
wait_for() { # $1 = marker, $2 = seconds; 0 when it appeared, 1 when not (or qemu ended)
  local i
  for ((i = 0; i < $2; i++)); do
    grep -q "$1" "$log" 2>/dev/null && return 0
    kill -0 "$qpid" 2>/dev/null || { grep -q "$1" "$log" 2>/dev/null; return; }
    sleep 1
  done
  return 1
}
trap 'kill "$qpid" 2>/dev/null || true' EXIT
accel=${BERTH_VM_ACCEL:-auto}
if [ "$accel" != tcg ]; then
  boot kvm
  if ! wait_for BERTH-VM-BOOTED 60; then
    kill "$qpid" 2>/dev/null || true; wait "$qpid" 2>/dev/null || true
    [ "$accel" = kvm ] && { echo "run-v2: the guest did not boot under KVM" >&2; exit 1; }
    echo "run-v2: the guest did not boot under KVM within 60 s: falling back to TCG (slow)" >&2
    accel=tcg
  else
    accel=kvm
  fi
fi
[ "$accel" = tcg ] && { boot tcg; wait_for BERTH-VM-BOOTED 300 || true; }
echo "run-v2: booted under $accel"
tail -n +1 -f "$log" --pid "$qpid" | tr -d '\r' &
tailpid=$!
wait_for BERTH-VM-DONE "${BERTH_VM_TIMEOUT:-5400}" || true
sleep 2; kill "$qpid" 2>/dev/null || true; wait "$qpid" 2>/dev/null || true
kill "$tailpid" 2>/dev/null || true
tr -d '\r' < "$log" > "$log.txt"; log="$log.txt"

grep -q BERTH-VM-DONE "$log" || { echo "run-v2: the VM did not finish (see $log)" >&2; exit 1; }
status=0
while read -r _ p rc; do
  echo "run-v2: $p in the cgroup2 VM: exit $rc"
  [ "$rc" = 0 ] || status=1
done < <(grep '^BERTH-VM-STATUS' "$log")
grep -q '^BERTH-VM-STATUS' "$log" || status=1
exit $status
