#!/usr/bin/env bash
# eks-ipvs: turn on the CNI bandwidth guard (cni-bandwidth-guard.path/.service, already written to
# /etc/systemd/system by user data) for this boot and every later one.
#
# Usage: cni-bandwidth-guard-enable.sh      (no arguments)
# Runs: systemctl daemon-reload; systemctl enable --now --no-block cni-bandwidth-guard.path;
# then, if /etc/cni/net.d/10-aws.conflist already exists, the guard once (its failure is logged only).
# Never touches kubelet or containerd.
# Exit: 0 guard enabled; 1 a systemctl call failed; 2 usage error.
set -euo pipefail

readonly TAG=eks-ipvs
readonly CONFLIST=/etc/cni/net.d/10-aws.conflist
readonly PATH_UNIT=cni-bandwidth-guard.path

log() {
  logger -t "$TAG" -- "cni-bandwidth-guard-enable: $*" 2>/dev/null || true
  printf '%s: cni-bandwidth-guard-enable: %s\n' "$TAG" "$*" >&2
}
err() {
  logger -t "$TAG" -p user.err -- "cni-bandwidth-guard-enable: ERROR: $*" 2>/dev/null || true
  printf '%s: cni-bandwidth-guard-enable: ERROR: %s\n' "$TAG" "$*" >&2
}

if [[ $# -ne 0 ]]; then
  err "takes no arguments"
  exit 2
fi

status=0
# systemd has not seen the unit files user data just wrote.
if systemctl daemon-reload; then
  log "systemctl daemon-reload done"
else
  err "systemctl daemon-reload failed (exit $?)"
  status=1
fi
# --no-block: we run inside cloud-final; waiting on a job from here could stall the boot.
if systemctl enable --now --no-block "$PATH_UNIT"; then
  log "enabled and started $PATH_UNIT (watches $CONFLIST)"
else
  err "systemctl enable --now --no-block $PATH_UNIT failed (exit $?); the bandwidth plugin will not be re-added after aws-node restarts"
  status=1
fi

# The path unit only reacts to changes; a conflist already in place (aws-node started before us,
# e.g. user data re-run) is checked once here.
if [[ -e $CONFLIST ]]; then
  guard="$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/cni-bandwidth-guard.sh"
  if "${BASH:-bash}" "$guard" "$CONFLIST"; then
    log "checked the existing $CONFLIST"
  else
    err "the guard failed on the existing $CONFLIST (exit $?); the path unit retries on its next change"
  fi
else
  log "$CONFLIST not there yet; the path unit handles it when aws-node writes it"
fi
exit "$status"
