# shellcheck shell=bash
# tests/node/sandbox.sh: run node scripts UNMODIFIED as root, without touching this machine.
# Source it from bash; needs root and `unshare` (util-linux). Nothing here calls a real systemctl,
# modprobe, logger or package manager.
#
# How a run is isolated (sb_run):
#   - `unshare -m -p -f --kill-child`: a private mount namespace (mounts never leak out) and a private
#     PID namespace whose first process is our init: when the command ends, the kernel kills every
#     process left in it (e.g. a detached background install), so nothing outlives a run.
#   - /etc, /usr/local, /var and /run (those that exist) get an overlay whose upper layer is a tmpfs
#     that exists only in the namespace. That is how directories the host lacks (/etc/cni, /usr/local/libexec) can be
#     created as mount points without a single mkdir on the real filesystem; anything else a script
#     writes there is thrown away with the namespace.
#   - The captured directories (sb_capture_dir; by default /etc/modules-load.d, /etc/systemd/system,
#     /etc/cni/net.d, /usr/local/libexec) are bind mounts of directories under $SB_ROOT/fs, so their
#     content survives between runs and tests read it from the host side (sb_path).
#   - Then / itself is remounted read-only (only the root mount, not /proc, /dev, ...): any other
#     write to the real filesystem fails loudly instead of leaking. $SB_ROOT stays writable.
#   - The real systemctl, modprobe, logger, dnf, apt-get, ipvsadm, yum (wherever they exist on the
#     host) are covered by bind mounts of a stub that records the call to forbidden.log and exits 97.
#   - /tmp is a fresh tmpfs (as on a booting node); $SB_ROOT, which lives under the host's /tmp, is
#     bind-mounted back at the same path.
#   - The command runs with `env -i`: PATH=$SB_ROOT/bin:$SB_ROOT/tools (recording stand-ins first,
#     then symlinks to just the basic tools the scripts need), HOME=/root, LANG=C.UTF-8, SB_ROOT,
#     SB_LOG, plus whatever sb_env set.
#
# Functions (all return non-zero on misuse; state lives in $SB_ROOT, one sandbox per shell):
#   sb_init                   create a fresh sandbox; sets SB_ROOT, SB_LOG (not exported). Defaults: no dnf,
#                             no apt-get, ipvsadm absent, every module loads, systemctl succeeds.
#   sb_capture_dir ABS_DIR    add a captured directory (must be under an overlaid tree or exist).
#   sb_overlay_dir ABS_DIR    add an existing host directory to the throw-away overlays.
#   sb_path ABS_PATH          host-side path of ABS_PATH inside a captured directory (prints it).
#   sb_install_node_files [SRC_DIR]
#                             do what user data does: scripts (*.sh) into /usr/local/libexec/eks-ipvs
#                             (0755), units (*.path, *.service) into /etc/systemd/system (0644).
#                             SRC_DIR defaults to $SB_NODE_SCRIPTS, else infra/Core/Nodes/NodeScripts.
#   sb_modprobe_fail MOD...   these modules fail to load (replaces the list; none = all load).
#   sb_pm NAME MODE [SECS]    provide stand-in NAME (dnf or apt-get). MODE: succeed (and ipvsadm
#                             appears), fail (exit 1), hang (sleep SECS, default 20, then succeed).
#   sb_no_pm NAME             remove stand-in NAME again.
#   sb_ipvsadm present|absent put an ipvsadm stand-in on PATH or not.
#   sb_systemctl_rc RC        exit status of the systemctl stand-in (default 0).
#   sb_without_tool NAME      drop a basic tool (e.g. jq) from the tools dir, to test its absence.
#   sb_env NAME=VALUE...      extra environment for commands run by sb_run/sb_sh.
#   sb_run CMD [ARG...]       run CMD inside the sandbox; returns its exit status; stdio pass through.
#   sb_sh SNIPPET [ARG...]    run a bash snippet inside the sandbox (bash -c); the snippet also gets
#                             sb_wait_for FILE ERE (poll until a line of FILE matches; fails only after a 600 s hang guard).
#   sb_log NAME               print $SB_LOG/NAME.log (modprobe, systemctl, logger, dnf, apt-get,
#                             ipvsadm, forbidden); empty if never written.
#   sb_leftovers              print the PIDs of processes still carrying this sandbox's SB_ROOT.
#   sb_cleanup                kill leftovers (by PID), remove $SB_ROOT. Safe to call twice.
#   sb_preflight              explain and fail if not root or unshare/overlay do not work here.
# Log formats: modprobe.log/systemctl.log/ipvsadm.log: one line of arguments per call;
#   logger.log: TAG<TAB>PRIORITY<TAB>MESSAGE; dnf.log/apt-get.log: "start ARGS [DEBIAN_FRONTEND=..]"
#   when called, "end rc=N ARGS" when it returns (a killed call has no end line).
# Tools: SB_TOOLS (an array, below) lists the host tools linked into $SB_ROOT/tools; append to it
#   before sb_init if a script needs another one (e.g. SB_TOOLS+=(base64)).
#
# Example: run a rendered user-data shell part exactly as cloud-init would, then inspect:
#   source tests/node/sandbox.sh
#   sb_preflight || exit 1
#   sb_init; trap sb_cleanup EXIT
#   sb_ipvsadm present
#   cp render/part-1.sh "$SB_ROOT/part.sh"              # $SB_ROOT is visible at the same path inside
#   sb_run bash "$SB_ROOT/part.sh" 2>&1 | cat; echo "exit ${PIPESTATUS[0]}"
#   cat "$(sb_path /etc/modules-load.d/ipvs.conf)"; sb_log modprobe; sb_log systemctl
#   [ -z "$(sb_log forbidden)" ] && [ -z "$(sb_leftovers)" ]   # no real tool reached, nothing left

SB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SB_DEFAULT_CAPTURED=(/etc/modules-load.d /etc/systemd/system /etc/cni/net.d /usr/local/libexec)
SB_DEFAULT_OVERLAYS=(/etc /usr/local /var /run)
SB_TOOLS=(bash sh env cat cp mv rm ln mkdir rmdir mktemp install chmod chown touch stat ls readlink
  realpath dirname basename cmp diff jq timeout setsid flock sleep grep sed awk tr cut head tail wc
  sort uniq date id uname seq true false kill printf test tee xargs sync)
SB_FORBIDDEN=(systemctl modprobe insmod logger dnf yum apt-get apt ipvsadm)

sb_die() {
  printf 'sandbox: %s\n' "$*" >&2
  return 1
}

sb_preflight() {
  [[ $(id -u) -eq 0 ]] || { sb_die "not root: the node tests need root (mount namespaces, bind mounts)"; return 1; }
  command -v unshare >/dev/null || { sb_die "unshare (util-linux) is not installed"; return 1; }
  unshare -m -p -f --kill-child true 2>/dev/null ||
    { sb_die "unshare -m -p -f does not work here (no mount/PID namespaces?)"; return 1; }
  local t
  t=$(mktemp -d) || return 1
  # Overlay needs a tmpfs upper layer; both mounts die with the namespace.
  if ! unshare -m sh -c "mount --make-rprivate / && mount -t tmpfs sb-pre '$t' && mkdir '$t/l' '$t/u' '$t/w' && mount -t overlay sb-pre -o 'lowerdir=$t/l,upperdir=$t/u,workdir=$t/w' '$t/l'" 2>/dev/null; then
    rmdir "$t"
    sb_die "overlay mounts do not work in a mount namespace here"
    return 1
  fi
  rmdir "$t"
}

sb_init() {
  local d dirs
  SB_ROOT=$(mktemp -d /tmp/eks-ipvs-sandbox.XXXXXX) || return 1
  # Not exported: only processes started inside the sandbox carry SB_ROOT (see sb_leftovers).
  SB_LOG=$SB_ROOT/log
  mkdir -p "$SB_ROOT"/{bin,tools,fs,log,conf,ovl,stub} || return 1
  chmod 0755 "$SB_ROOT"
  : >"$SB_ROOT/conf/captured"
  : >"$SB_ROOT/conf/overlays"
  : >"$SB_ROOT/conf/env"
  for d in "${SB_DEFAULT_OVERLAYS[@]}"; do
    [[ -d $d ]] && printf '%s\n' "$d" >>"$SB_ROOT/conf/overlays"
  done
  for d in "${SB_DEFAULT_CAPTURED[@]}"; do
    sb_capture_dir "$d" || return 1
  done
  # Symlinks to the host's basic tools (found on this PATH, without forking per tool).
  local tool dir found=()
  for tool in "${SB_TOOLS[@]}"; do
    IFS=: read -ra dirs <<<"$PATH"
    for dir in "${dirs[@]}"; do
      if [[ -f $dir/$tool && -x $dir/$tool ]]; then
        found+=("$dir/$tool")
        break
      fi
    done
  done
  ln -s -t "$SB_ROOT/tools" -- "${found[@]}" || return 1
  _sb_write_standins
  printf '%s\n' "${SB_FORBIDDEN[@]}" >"$SB_ROOT/conf/forbidden"
  : >"$SB_ROOT/conf/modprobe-fail"
  echo 0 >"$SB_ROOT/conf/systemctl-rc"
}

sb_capture_dir() {
  local dir=$1
  [[ $dir == /* && $dir != */ ]] || { sb_die "sb_capture_dir: absolute path without trailing / expected: $dir"; return 1; }
  mkdir -p "$SB_ROOT/fs$dir" && printf '%s\n' "$dir" >>"$SB_ROOT/conf/captured"
}

sb_overlay_dir() {
  [[ -d $1 && $1 == /* ]] || { sb_die "sb_overlay_dir: not an existing absolute directory: $1"; return 1; }
  printf '%s\n' "$1" >>"$SB_ROOT/conf/overlays"
}

sb_path() {
  local p=$1 d
  while read -r d; do
    if [[ $p == "$d" || $p == "$d"/* ]]; then
      printf '%s\n' "$SB_ROOT/fs$p"
      return 0
    fi
  done <"$SB_ROOT/conf/captured"
  sb_die "sb_path: $p is not inside a captured directory"
}

sb_install_node_files() {
  local src=${1:-${SB_NODE_SCRIPTS:-$SB_REPO/infra/Core/Nodes/NodeScripts}} f dest
  dest=$SB_ROOT/fs/usr/local/libexec/eks-ipvs
  install -d -m 0755 "$dest" || return 1
  for f in "$src"/*; do
    case $f in
      *.sh) install -m 0755 "$f" "$dest/" || return 1 ;;
      *.path | *.service) install -m 0644 "$f" "$SB_ROOT/fs/etc/systemd/system/" || return 1 ;;
    esac
  done
}

sb_modprobe_fail() { printf '%s\n' "$@" >"$SB_ROOT/conf/modprobe-fail"; }
sb_systemctl_rc() { echo "$1" >"$SB_ROOT/conf/systemctl-rc"; }
sb_env() { printf '%s\n' "$@" >>"$SB_ROOT/conf/env"; }
sb_without_tool() { rm -f "$SB_ROOT/tools/$1"; }

sb_pm() {
  local name=$1 mode=$2 secs=${3:-20}
  [[ $name == dnf || $name == apt-get ]] || { sb_die "sb_pm: dnf or apt-get, not $name"; return 1; }
  [[ $mode == succeed || $mode == fail || $mode == hang ]] || { sb_die "sb_pm: bad mode $mode"; return 1; }
  printf '%s %s\n' "$mode" "$secs" >"$SB_ROOT/conf/$name.mode"
  ln -sf ../stub/pm "$SB_ROOT/bin/$name"
}

sb_no_pm() { rm -f "$SB_ROOT/bin/$1"; }

sb_ipvsadm() {
  case $1 in
    present) ln -sf ../stub/ipvsadm "$SB_ROOT/bin/ipvsadm" ;;
    absent) rm -f "$SB_ROOT/bin/ipvsadm" ;;
    *) sb_die "sb_ipvsadm: present or absent"; return 1 ;;
  esac
}

sb_log() { [[ ! -f $SB_LOG/$1.log ]] || cat "$SB_LOG/$1.log"; }

# The stand-ins. Plain bash with absolute interpreter path so they work whatever PATH is.
_sb_write_standins() {
  local s=$SB_ROOT/stub
  cat >"$s/modprobe" <<'EOS'
#!/bin/bash
# Stand-in modprobe: records its arguments; modules listed in conf/modprobe-fail fail.
printf '%s\n' "$*" >>"$SB_LOG/modprobe.log"
for a in "$@"; do
  [[ $a == -* ]] && continue
  while read -r m; do
    if [[ -n $m && $a == "$m" ]]; then
      echo "modprobe: FATAL: Module $a not found in directory /lib/modules/sandbox" >&2
      exit 1
    fi
  done <"$SB_ROOT/conf/modprobe-fail"
done
exit 0
EOS
  cat >"$s/systemctl" <<'EOS'
#!/bin/bash
# Stand-in systemctl: records its arguments, exits with conf/systemctl-rc.
printf '%s\n' "$*" >>"$SB_LOG/systemctl.log"
exit "$(cat "$SB_ROOT/conf/systemctl-rc")"
EOS
  cat >"$s/logger" <<'EOS'
#!/bin/bash
# Stand-in logger: records TAG<TAB>PRIORITY<TAB>MESSAGE (util-linux option syntax).
tag=logger prio=user.notice
while [[ $# -gt 0 ]]; do
  case $1 in
    -t) tag=$2; shift 2 ;;
    -p) prio=$2; shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) break ;;
  esac
done
printf '%s\t%s\t%s\n' "$tag" "$prio" "$*" >>"$SB_LOG/logger.log"
EOS
  cat >"$s/pm" <<'EOS'
#!/bin/bash
# Stand-in package manager (dnf or apt-get, by the name it was called as): records start and end;
# conf/NAME.mode says "succeed|fail|hang SECONDS". A successful install makes ipvsadm appear.
name=${0##*/}
extra=""
[[ -z ${DEBIAN_FRONTEND:-} ]] || extra=" DEBIAN_FRONTEND=$DEBIAN_FRONTEND"
printf 'start %s%s\n' "$*" "$extra" >>"$SB_LOG/$name.log"
read -r mode secs <"$SB_ROOT/conf/$name.mode"
rc=0
case $mode in
  hang) sleep "$secs" ;;
  fail) rc=1 ;;
esac
if [[ $rc -eq 0 && " $* " == *" install "* ]]; then
  ln -sf ../stub/ipvsadm "$SB_ROOT/bin/ipvsadm"
fi
printf 'end rc=%s %s\n' "$rc" "$*" >>"$SB_LOG/$name.log"
exit "$rc"
EOS
  cat >"$s/ipvsadm" <<'EOS'
#!/bin/bash
# Stand-in ipvsadm: records its arguments.
printf '%s\n' "$*" >>"$SB_LOG/ipvsadm.log"
EOS
  cat >"$s/forbidden" <<'EOS'
#!/bin/bash
# Bind-mounted over the host's real systemctl/modprobe/package managers inside the sandbox.
printf '%s %s\n' "$0" "$*" >>"$SB_LOG/forbidden.log"
echo "sandbox: the real $0 must not be called" >&2
exit 97
EOS
  chmod 0755 "$s"/*
  ln -s ../stub/modprobe "$SB_ROOT/bin/modprobe"
  ln -s ../stub/systemctl "$SB_ROOT/bin/systemctl"
  ln -s ../stub/logger "$SB_ROOT/bin/logger"
}

# Runs as PID 1 of the new namespaces: builds the mounts, runs the command, returns its status.
_sb_inner() {
  set -eu
  local root=$1 d key rel hostbin name
  shift
  mount --make-rprivate /
  mount --bind "$root" "$root"
  mount -t tmpfs -o mode=0755 sb-overlay-upper "$root/ovl"
  while read -r d; do
    key=${d//\//_}
    mkdir -p "$root/ovl/$key/u" "$root/ovl/$key/w"
    mount -t overlay sb-overlay -o "lowerdir=$d,upperdir=$root/ovl/$key/u,workdir=$root/ovl/$key/w" "$d"
  done <"$root/conf/overlays"
  # A fresh, private /tmp (as on a booting node; some tools insist on /tmp): park $root on a
  # staging point inside the /etc overlay, cover /tmp with a tmpfs, then put $root back.
  local stage=/etc/.eks-ipvs-sandbox-stage
  mkdir "$stage"
  mount --bind "$root" "$stage"
  mount -t tmpfs -o mode=1777 sb-tmp /tmp
  mkdir -p "$root"
  mount --bind "$stage" "$root"
  umount "$stage"
  rmdir "$stage"
  while read -r d; do
    # mkdir lands in an overlay's tmpfs upper layer (or finds the directory), never on the host.
    mkdir -p "$d"
    mount --bind "$root/fs$d" "$d"
  done <"$root/conf/captured"
  while read -r name; do
    for hostbin in /usr/bin /usr/sbin /bin /sbin /usr/local/bin /usr/local/sbin; do
      rel=$hostbin/$name
      if [[ -f $rel && ! -L $rel ]]; then
        mount --bind "$root/stub/forbidden" "$rel"
      elif [[ -L $rel ]]; then
        rel=$(readlink -f "$rel")
        [[ ! -f $rel ]] || mount --bind "$root/stub/forbidden" "$rel"
      fi
    done
  done <"$root/conf/forbidden"
  mount -o remount,bind,ro /
  cd /
  local envs=() line
  while IFS= read -r line; do
    [[ -z $line ]] || envs+=("$line")
  done <"$root/conf/env"
  set +e
  env -i PATH="$root/bin:$root/tools" HOME=/root LANG=C.UTF-8 \
    SB_ROOT="$root" SB_LOG="$root/log" "${envs[@]}" "$@" &
  wait "$!"
}

sb_run() {
  [[ -n ${SB_ROOT:-} && -d $SB_ROOT ]] || { sb_die "sb_run: call sb_init first"; return 1; }
  unshare -m -p -f --kill-child /bin/bash -c "$(declare -f _sb_inner); _sb_inner \"\$@\"" \
    sb-init "$SB_ROOT" "$@"
}

# Helper available inside sb_sh snippets.
_sb_wait_for() {
  # Waits for the event, not for a time: the bound only ends a real hang (the line never comes), so a busy
  # machine makes the test slower, never red.
  local file=$1 ere=$2 guard=${SB_HANG_GUARD_SECONDS:-600} start=$SECONDS
  until [[ -f $file ]] && grep -Eq -- "$ere" "$file"; do
    ((SECONDS - start < guard)) || { echo "sb_wait_for: no line matching /$ere/ in $file after ${guard}s (hang guard)" >&2; return 1; }
    sleep 0.05
  done
}

sb_sh() {
  local snippet=$1
  shift
  sb_run bash -c "$(declare -f _sb_wait_for); sb_wait_for() { _sb_wait_for \"\$@\"; }; $snippet" sb-sh "$@"
}

sb_leftovers() {
  local f pid
  [[ -n ${SB_ROOT:-} ]] || return 0
  # Processes started inside carry SB_ROOT in their environment; the host side never exports it.
  # One grep per kind over all of /proc (the grep itself is not in the list: it starts later).
  # (The trailing `true` stops bash from exec-ing the last grep in place of the listed subshell.)
  for f in $( (grep -lzxF "SB_ROOT=$SB_ROOT" /proc/[0-9]*/environ; grep -lzF "$SB_ROOT/" /proc/[0-9]*/cmdline; true) 2>/dev/null); do
    pid=${f#/proc/}
    pid=${pid%%/*}
    [[ $pid == "$$" || $pid == "$BASHPID" || -z $pid || ! -e /proc/$pid ]] || printf '%s\n' "$pid"
  done | sort -u
}

sb_cleanup() {
  local pid
  [[ -n ${SB_ROOT:-} && -d $SB_ROOT ]] || return 0
  for pid in $(sb_leftovers); do
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf -- "$SB_ROOT"
  SB_ROOT=""
}
