#!/usr/bin/env bash
# eks-ipvs: make sure ipvsadm (the IPVS inspection tool) is on the node, without ever delaying the join.
#
# Usage: ipvsadm-ensure.sh            (the --install argument is internal: the detached worker)
# ipvsadm present: logs it and exits 0, no package manager is called.
# ipvsadm missing: starts a detached background install (dnf, else apt-get) and returns at once.
#   kube-proxy does not need ipvsadm (it talks netlink); it is for people debugging the node,
#   so a slow or broken package mirror must never hold up the node's join.
# Environment (defaults are the production values):
#   EKS_IPVS_INSTALL_TIMEOUT   seconds one package-manager call may take  (default 120)
#   EKS_IPVS_INSTALL_ATTEMPTS  attempts before giving up                  (default 3)
#   EKS_IPVS_INSTALL_BACKOFF   seconds between attempts                   (default 10)
# Exit: 0 always (both modes), except 2 on an unknown argument.
set -euo pipefail

readonly TAG=eks-ipvs

log() {
  logger -t "$TAG" -- "ipvsadm-ensure: $*" 2>/dev/null || true
  printf '%s: ipvsadm-ensure: %s\n' "$TAG" "$*" >&2
}
warn() {
  logger -t "$TAG" -p user.warning -- "ipvsadm-ensure: WARNING: $*" 2>/dev/null || true
  printf '%s: ipvsadm-ensure: WARNING: %s\n' "$TAG" "$*" >&2
}
err() {
  logger -t "$TAG" -p user.err -- "ipvsadm-ensure: ERROR: $*" 2>/dev/null || true
  printf '%s: ipvsadm-ensure: ERROR: %s\n' "$TAG" "$*" >&2
}

# A non-negative integer from the environment, or the default (with a warning) if it is not one.
setting() {
  local name=$1 default=$2 min=$3 value
  value=${!name:-$default}
  if [[ ! $value =~ ^[0-9]+$ ]] || ((10#$value < min)); then
    warn "$name='$value' is not an integer >= $min; using $default"
    value=$default
  fi
  printf '%s' "$((10#$value))"
}

# One bounded package-manager run; its own output goes nowhere (we are detached), its status is logged.
install_with() {
  local timeout=$1 pm=$2
  case $pm in
    dnf)
      timeout -k 10 "$timeout" dnf install -y ipvsadm
      ;;
    apt-get)
      # A fresh image may have no package lists yet; a failed update still lets install try the cache.
      DEBIAN_FRONTEND=noninteractive timeout -k 10 "$timeout" apt-get update ||
        warn "apt-get update failed (exit $?); trying the install anyway"
      DEBIAN_FRONTEND=noninteractive timeout -k 10 "$timeout" apt-get install -y ipvsadm
      ;;
  esac
}

# The detached worker: bounded attempts, never fatal.
worker() {
  local timeout attempts backoff pm i rc=0
  timeout=$(setting EKS_IPVS_INSTALL_TIMEOUT 120 1)
  attempts=$(setting EKS_IPVS_INSTALL_ATTEMPTS 3 1)
  backoff=$(setting EKS_IPVS_INSTALL_BACKOFF 10 0)

  # One worker at a time: a second ensure run while an install is under way must not start another
  # (dnf/apt would only fight over their own locks). Locking this file itself writes nothing.
  if command -v flock >/dev/null; then
    exec 9<"${BASH_SOURCE[0]}"
    if ! flock -n 9; then
      log "another ipvsadm install is already running; leaving it to finish"
      return 0
    fi
  fi

  if command -v ipvsadm >/dev/null; then
    log "ipvsadm appeared meanwhile ($(command -v ipvsadm)); nothing to install"
    return 0
  fi
  if command -v dnf >/dev/null; then
    pm=dnf
  elif command -v apt-get >/dev/null; then
    pm=apt-get
  else
    warn "no package manager (dnf or apt-get) found; ipvsadm stays missing (kube-proxy does not need it)"
    return 0
  fi

  for ((i = 1; i <= attempts; i++)); do
    log "installing ipvsadm with $pm, attempt $i/$attempts (timeout ${timeout}s)"
    rc=0
    install_with "$timeout" "$pm" </dev/null >/dev/null 2>&1 || rc=$?
    if ((rc == 0)); then
      log "ipvsadm installed with $pm (attempt $i/$attempts)"
      return 0
    fi
    if ((rc == 124 || rc == 137)); then
      warn "$pm attempt $i/$attempts timed out after ${timeout}s"
    else
      warn "$pm attempt $i/$attempts failed (exit $rc)"
    fi
    if ((i < attempts && backoff > 0)); then
      sleep "$backoff"
    fi
  done
  err "giving up on installing ipvsadm after $attempts attempts with $pm (last exit $rc); kube-proxy does not need it, the node is otherwise fine"
  return 0
}

case ${1:-} in
  --install)
    worker
    exit 0
    ;;
  "") ;;
  *)
    err "unknown argument '$1'; usage: ipvsadm-ensure.sh"
    exit 2
    ;;
esac

if command -v ipvsadm >/dev/null; then
  log "ipvsadm present ($(command -v ipvsadm)); nothing to install"
  exit 0
fi

self=$(readlink -f -- "${BASH_SOURCE[0]}")
log "ipvsadm missing; installing it in the background (the node's join does not wait for it)"
# New session, stdio away from the caller: cloud-init (which pipes our output) must not wait for it.
if command -v setsid >/dev/null; then
  setsid -f "${BASH:-bash}" "$self" --install </dev/null >/dev/null 2>&1
else
  "${BASH:-bash}" "$self" --install </dev/null >/dev/null 2>&1 &
  disown
fi
exit 0
