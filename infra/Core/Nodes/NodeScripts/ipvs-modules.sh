#!/usr/bin/env bash
# eks-ipvs: load the kernel modules kube-proxy needs in IPVS mode, now and at every boot.
#
# Usage: ipvs-modules.sh SCHEDULER     (one of: rr wrr lc wlc lblc lblcr sh dh sed nq)
# Writes /etc/modules-load.d/ipvs.conf (only when its content differs), then modprobes every module.
# Exit: 0 all required modules loaded (other scheduler modules may have failed: warning only);
#       1 ip_vs, ip_vs_SCHEDULER or nf_conntrack did not load, or the config could not be written;
#       2 usage error (missing or unknown SCHEDULER).
set -euo pipefail

readonly TAG=eks-ipvs
readonly CONF=/etc/modules-load.d/ipvs.conf
readonly SCHEDULERS=(rr wrr lc wlc lblc lblcr sh dh sed nq)

# Every line goes to the journal (logger) and to stderr, which cloud-init copies to the console.
log() {
  logger -t "$TAG" -- "ipvs-modules: $*" 2>/dev/null || true
  printf '%s: ipvs-modules: %s\n' "$TAG" "$*" >&2
}
warn() {
  logger -t "$TAG" -p user.warning -- "ipvs-modules: WARNING: $*" 2>/dev/null || true
  printf '%s: ipvs-modules: WARNING: %s\n' "$TAG" "$*" >&2
}
err() {
  logger -t "$TAG" -p user.err -- "ipvs-modules: ERROR: $*" 2>/dev/null || true
  printf '%s: ipvs-modules: ERROR: %s\n' "$TAG" "$*" >&2
}

usage() {
  err "$1; usage: ipvs-modules.sh SCHEDULER (one of: ${SCHEDULERS[*]})"
  exit 2
}

[[ $# -eq 1 ]] || usage "expected exactly one argument, got $#"
scheduler=$1
valid=false
for s in "${SCHEDULERS[@]}"; do
  [[ $scheduler == "$s" ]] && valid=true
done
[[ $valid == true ]] || usage "unknown IPVS scheduler '$scheduler'"

# The list AWS documents: every scheduler, so changing the scheduler later needs no new node.
modules=(ip_vs)
for s in "${SCHEDULERS[@]}"; do
  modules+=("ip_vs_$s")
done
modules+=(nf_conntrack)
required=(ip_vs "ip_vs_$scheduler" nf_conntrack)

content="# Written by eks-ipvs (ipvs-modules.sh): IPVS modules for kube-proxy, loaded at every boot.
$(printf '%s\n' "${modules[@]}")"

# systemd-modules-load reads this at every boot; rewrite only on change, atomically, so a
# crash never leaves a half-written file and a second run writes nothing.
tmp=""
trap '[[ -z $tmp ]] || rm -f -- "$tmp"' EXIT
if [[ -f $CONF ]] && cmp -s -- "$CONF" <(printf '%s\n' "$content"); then
  log "$CONF already up to date"
else
  install -d -m 0755 -- "${CONF%/*}"
  # A dot name without .conf is never read by systemd-modules-load, even if left behind.
  tmp=$(mktemp -- "${CONF%/*}/.ipvs.conf.XXXXXX")
  printf '%s\n' "$content" >"$tmp"
  chmod 0644 -- "$tmp"
  mv -f -- "$tmp" "$CONF"
  tmp=""
  log "wrote $CONF (${#modules[@]} modules)"
fi

# Load them for this boot too: kubelet (and kube-proxy) start after user data, in this same boot.
failed_required=()
loaded=()
for m in "${modules[@]}"; do
  if out=$(modprobe "$m" 2>&1); then
    loaded+=("$m")
    continue
  fi
  is_required=false
  for r in "${required[@]}"; do
    [[ $m == "$r" ]] && is_required=true
  done
  if [[ $is_required == true ]]; then
    err "required kernel module $m failed to load (${out:-modprobe failed}): kube-proxy in IPVS mode (scheduler $scheduler) would crash-loop on this node"
    failed_required+=("$m")
  else
    warn "kernel module $m failed to load (${out:-modprobe failed}); only needed if the IPVS scheduler is changed to ${m#ip_vs_}"
  fi
done

# One line for the successes (twelve would drown the failures), one line per failure above.
log "loaded ${#loaded[@]}/${#modules[@]} modules: ${loaded[*]:-none}"
if [[ ${#failed_required[@]} -gt 0 ]]; then
  err "required IPVS modules missing: ${failed_required[*]}; kube-proxy in IPVS mode would crash-loop on this node"
  exit 1
fi
log "IPVS modules ready for scheduler $scheduler"
