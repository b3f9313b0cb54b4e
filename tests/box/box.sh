# shellcheck shell=bash
# tests/box/box.sh: boot a node in a box. Sourced by tests/box/run.sh and tests/box/bench.sh.
# A box is an overlay on the cached rootfs (tests/box/rootfs.sh), booted with `systemd-nspawn -b`
# (real systemd as PID 1, real cloud-init 22.4) with no network, and given user data through a NoCloud
# seed, the way EC2 hands user data to cloud-init. Commands run inside with nsenter.
# Every wait here waits for an event (a condition polled, or a command that blocks until it holds),
# under one hang guard, BOX_HANG seconds, that only a real hang reaches; nothing races the clock.

BOX_HANG=${BOX_HANG:-600}
box_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
box_repo=$(cd "$box_here/../.." && pwd)
# One work directory per run, made here so that box_new in a $(...) subshell shares it.
box_work=$(mktemp -d /tmp/eks-ipvs-box.XXXXXX)

# Where the cached rootfs is, building it on first use.
box_rootfs() {
  bash "$box_here/rootfs.sh" "$box_repo/tests/box/.cache"
}

# box_install_aws_node DIR: the aws-node stand-in (box-aws-node), its template and the render it shares
# with tests/node, in the box whose directory is DIR.
box_install_aws_node() {
  mkdir -p "$1/root/usr/local/share/box"
  cp tests/node/fixtures/vpc-cni-10-aws.conflist.template "$1/root/usr/local/share/box/10-aws.conflist.template"
  install -m 0755 tests/node/fixtures/aws-node-render "$1/root/usr/local/share/box/aws-node-render"
  install -m 0755 tests/box/fixtures/aws-node "$1/root/usr/local/sbin/box-aws-node"
}

# box_new NAME ROOTFS USERDATA: overlay NAME on ROOTFS, seeded with USERDATA (copied byte for byte).
box_new() {
  local name=$1 rootfs=$2 userdata=$3 d
  d=$box_work/$name
  mkdir -p "$d/upper" "$d/work" "$d/root"
  mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$d/upper,workdir=$d/work" "$d/root"
  mkdir -p "$d/root/var/lib/cloud/seed/nocloud"
  cp -- "$userdata" "$d/root/var/lib/cloud/seed/nocloud/user-data"
  printf 'instance-id: i-box-%s\nlocal-hostname: %s\n' "$name" "$name" >"$d/root/var/lib/cloud/seed/nocloud/meta-data"
  # NoCloud only: cloud-init must not wait for an EC2 metadata service that is not there. The locale
  # module is off: Debian's minimal rootfs has no locales package (AL2023 has), and it is not ours.
  printf 'datasource_list: [ NoCloud ]\nlocale: false\n' >"$d/root/etc/cloud/cloud.cfg.d/99-box.cfg"
  # modprobe stays a stand-in, and records what it was asked: this kernel has no IP_VS and a
  # container cannot load kernel modules (no CAP_SYS_MODULE), so the real one can only fail.
  # /usr/local/sbin comes before /usr/sbin and /sbin in the PATH systemd gives cloud-final.
  cat >"$d/root/usr/local/sbin/modprobe" <<'EOF'
#!/bin/sh
# Box stand-in for modprobe (see tests/box/box.sh): record the request, load nothing, succeed.
printf '%s boot=%s %s\n' "$(cut -d' ' -f1 /proc/uptime)" "$(cat /proc/sys/kernel/random/boot_id)" "$*" >>/var/log/box-modprobe.log
EOF
  chmod 0755 "$d/root/usr/local/sbin/modprobe"
  printf '%s\n' "$d"
}

# box_boot NAME: boot NAME and wait until systemd has finished booting (cloud-final included).
box_boot() {
  local name=$1 d=$box_work/$1 i
  : >"$d/console.log"
  systemd-nspawn -q -b -D "$d/root" --private-network --register=no --keep-unit -M "$name" \
    </dev/null >>"$d/console.log" 2>&1 &
  echo $! >"$d/nspawn.pid"
  date +%s.%N >"$d/boot-start"
  # The container's init is nspawn's only child; systemd's private socket appears once it can take
  # commands; then is-system-running --wait blocks until the boot is over (running, or degraded if a
  # unit failed: the checks say which). "offline"/"unknown" means systemd was not ready: ask again.
  for ((i = 0; i < BOX_HANG * 10; i++)); do
    if ! kill -0 "$(cat "$d/nspawn.pid")" 2>/dev/null; then
      echo "box $name: systemd-nspawn exited during boot:" >&2
      tail -n 20 "$d/console.log" >&2
      return 1
    fi
    if pgrep -P "$(cat "$d/nspawn.pid")" >"$d/leader" 2>/dev/null && box_x "$name" test -S /run/systemd/private 2>/dev/null; then
      timeout "$BOX_HANG" nsenter -t "$(cat "$d/leader")" -a -- systemctl is-system-running --wait >"$d/state" 2>&1
      case $(cat "$d/state") in running | degraded | maintenance) break ;; esac
    fi
    sleep 0.1
  done
  date +%s.%N >"$d/boot-end"
}

# box_seconds DIR: seconds the last box_boot took, from systemd-nspawn's start to the end of the boot.
box_seconds() {
  awk -v a="$(cat "$1/boot-start")" -v b="$(cat "$1/boot-end")" 'BEGIN { printf "%.1f", b - a }'
}

# box_x NAME CMD...: run CMD inside NAME.
box_x() {
  local d=$box_work/$1
  shift
  nsenter -t "$(cat "$d/leader")" -a -- env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# box_stop NAME: power NAME off and wait for systemd-nspawn to exit.
box_stop() {
  local d=$box_work/$1 pid
  pid=$(cat "$d/nspawn.pid")
  box_x "$1" systemctl poweroff >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  timeout "$BOX_HANG" tail --pid="$pid" -f /dev/null || kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# box_cleanup: stop every box still running, unmount, remove the work directory.
box_cleanup() {
  local d
  [[ -n $box_work && -d $box_work ]] || return 0
  for d in "$box_work"/*/; do
    [[ -f $d/nspawn.pid ]] && kill -0 "$(cat "$d/nspawn.pid")" 2>/dev/null && box_stop "$(basename "$d")"
    mountpoint -q "$d/root" && umount "$d/root"
  done
  rm -rf -- "$box_work"
}
