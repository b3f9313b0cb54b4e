#!/usr/bin/env bash
# eks-ipvs: this project's node setup, unpacked by the first user data part into /usr/local/libexec/eks-ipvs.
# Rendered from infra/Core/Nodes/NodeScripts (comments there); edit those files, not this script.
set -euo pipefail
install -d -m 0755 /usr/local/libexec/eks-ipvs
# IPVS kernel modules for kube-proxy (mode ipvs, scheduler rr), loaded now and at every boot; ipvsadm.
cat > /usr/local/libexec/eks-ipvs/ipvs-modules.sh <<'EKS_IPVS_FILE'
#!/usr/bin/env bash
set -euo pipefail
readonly TAG=eks-ipvs
readonly CONF=/etc/modules-load.d/ipvs.conf
readonly SCHEDULERS=(rr wrr lc wlc lblc lblcr sh dh sed nq)
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
modules=(ip_vs)
for s in "${SCHEDULERS[@]}"; do
  modules+=("ip_vs_$s")
done
modules+=(nf_conntrack)
required=(ip_vs "ip_vs_$scheduler" nf_conntrack)
content="# Written by eks-ipvs (ipvs-modules.sh): IPVS modules for kube-proxy, loaded at every boot.
$(printf '%s\n' "${modules[@]}")"
tmp=""
trap '[[ -z $tmp ]] || rm -f -- "$tmp"' EXIT
if [[ -f $CONF ]] && cmp -s -- "$CONF" <(printf '%s\n' "$content"); then
  log "$CONF already up to date"
else
  install -d -m 0755 -- "${CONF%/*}"
  tmp=$(mktemp -- "${CONF%/*}/.ipvs.conf.XXXXXX")
  printf '%s\n' "$content" >"$tmp"
  chmod 0644 -- "$tmp"
  mv -f -- "$tmp" "$CONF"
  tmp=""
  log "wrote $CONF (${#modules[@]} modules)"
fi
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
log "loaded ${#loaded[@]}/${#modules[@]} modules: ${loaded[*]:-none}"
if [[ ${#failed_required[@]} -gt 0 ]]; then
  err "required IPVS modules missing: ${failed_required[*]}; kube-proxy in IPVS mode would crash-loop on this node"
  exit 1
fi
log "IPVS modules ready for scheduler $scheduler"
EKS_IPVS_FILE
chmod 0755 /usr/local/libexec/eks-ipvs/ipvs-modules.sh
cat > /usr/local/libexec/eks-ipvs/ipvsadm-ensure.sh <<'EKS_IPVS_FILE'
#!/usr/bin/env bash
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
setting() {
  local name=$1 default=$2 min=$3 value
  value=${!name:-$default}
  if [[ ! $value =~ ^[0-9]+$ ]] || ((10#$value < min)); then
    warn "$name='$value' is not an integer >= $min; using $default"
    value=$default
  fi
  printf '%s' "$((10#$value))"
}
install_with() {
  local timeout=$1 pm=$2
  case $pm in
    dnf)
      timeout -k 10 "$timeout" dnf install -y ipvsadm
      ;;
    apt-get)
      DEBIAN_FRONTEND=noninteractive timeout -k 10 "$timeout" apt-get update ||
        warn "apt-get update failed (exit $?); trying the install anyway"
      DEBIAN_FRONTEND=noninteractive timeout -k 10 "$timeout" apt-get install -y ipvsadm
      ;;
  esac
}
worker() {
  local timeout attempts backoff pm i rc=0
  timeout=$(setting EKS_IPVS_INSTALL_TIMEOUT 120 1)
  attempts=$(setting EKS_IPVS_INSTALL_ATTEMPTS 3 1)
  backoff=$(setting EKS_IPVS_INSTALL_BACKOFF 10 0)
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
if command -v setsid >/dev/null; then
  setsid -f "${BASH:-bash}" "$self" --install </dev/null >/dev/null 2>&1
else
  "${BASH:-bash}" "$self" --install </dev/null >/dev/null 2>&1 &
  disown
fi
exit 0
EKS_IPVS_FILE
chmod 0755 /usr/local/libexec/eks-ipvs/ipvsadm-ensure.sh
/usr/local/libexec/eks-ipvs/ipvs-modules.sh rr
/usr/local/libexec/eks-ipvs/ipvsadm-ensure.sh
# Keeps the CNI bandwidth plugin chained in 10-aws.conflist, which aws-node rewrites on every start.
cat > /usr/local/libexec/eks-ipvs/cni-bandwidth-guard.sh <<'EKS_IPVS_FILE'
#!/usr/bin/env bash
set -euo pipefail
readonly TAG=eks-ipvs
readonly BANDWIDTH='{"type":"bandwidth","capabilities":{"bandwidth":true}}'
log() {
  logger -t "$TAG" -- "cni-bandwidth-guard: $*" 2>/dev/null || true
  printf '%s: cni-bandwidth-guard: %s\n' "$TAG" "$*" >&2
}
err() {
  logger -t "$TAG" -p user.err -- "cni-bandwidth-guard: ERROR: $*" 2>/dev/null || true
  printf '%s: cni-bandwidth-guard: ERROR: %s\n' "$TAG" "$*" >&2
}
if [[ $# -gt 1 ]]; then
  err "expected at most one argument (the conflist), got $#"
  exit 2
fi
conf=${1:-/etc/cni/net.d/10-aws.conflist}
if [[ ! -e $conf ]]; then
  log "$conf does not exist yet; nothing to do"
  exit 0
fi
if ! command -v jq >/dev/null; then
  err "jq not found; cannot check $conf for the bandwidth plugin (file left untouched)"
  exit 1
fi
dir=$(dirname -- "$conf")
base=$(basename -- "$conf")
tmp=""
trap '[[ -z $tmp ]] || rm -f -- "$tmp"' EXIT
for attempt in 1 2 3; do
  original=$(cat -- "$conf"; printf x)
  original=${original%x}
  if ! jq -e -s 'length == 1 and (.[0] | type == "object") and (.[0].plugins | type == "array")' \
    >/dev/null 2>&1 <<<"$original"; then
    err "$conf is not a JSON object with a \"plugins\" array; left untouched"
    exit 1
  fi
  if jq -e 'any(.plugins[]; type == "object" and .type == "bandwidth")' >/dev/null <<<"$original"; then
    log "bandwidth plugin already in $conf; nothing to do"
    exit 0
  fi
  tmp=$(mktemp -- "$dir/.$base.eks-ipvs.XXXXXX")
  jq --argjson bw "$BANDWIDTH" '.plugins += [$bw]' <<<"$original" >"$tmp"
  chmod --reference="$conf" -- "$tmp"
  chown --reference="$conf" -- "$tmp" 2>/dev/null || true
  current=$(cat -- "$conf" 2>/dev/null; printf x)
  if [[ ${current%x} != "$original" ]]; then
    log "$conf was replaced while we worked (attempt $attempt); reading it again"
    rm -f -- "$tmp"
    tmp=""
    [[ -e $conf ]] || { log "$conf disappeared; nothing to do"; exit 0; }
    continue
  fi
  mv -f -- "$tmp" "$conf"
  tmp=""
  log "appended the bandwidth plugin to $conf"
  exit 0
done
err "$conf kept changing while we worked; left as it is (the path unit runs us again on the next change)"
exit 1
EKS_IPVS_FILE
chmod 0755 /usr/local/libexec/eks-ipvs/cni-bandwidth-guard.sh
cat > /etc/systemd/system/cni-bandwidth-guard.path <<'EKS_IPVS_FILE'
[Unit]
Description=eks-ipvs: keep the CNI bandwidth plugin in /etc/cni/net.d/10-aws.conflist
[Path]
PathChanged=/etc/cni/net.d/10-aws.conflist
Unit=cni-bandwidth-guard.service
[Install]
WantedBy=multi-user.target
EKS_IPVS_FILE
chmod 0644 /etc/systemd/system/cni-bandwidth-guard.path
cat > /etc/systemd/system/cni-bandwidth-guard.service <<'EKS_IPVS_FILE'
[Unit]
Description=eks-ipvs: ensure the CNI bandwidth plugin is chained in 10-aws.conflist
StartLimitIntervalSec=60
StartLimitBurst=30
[Service]
Type=oneshot
ExecStart=/usr/local/libexec/eks-ipvs/cni-bandwidth-guard.sh /etc/cni/net.d/10-aws.conflist
EKS_IPVS_FILE
chmod 0644 /etc/systemd/system/cni-bandwidth-guard.service
cat > /usr/local/libexec/eks-ipvs/cni-bandwidth-guard-enable.sh <<'EKS_IPVS_FILE'
#!/usr/bin/env bash
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
if systemctl daemon-reload; then
  log "systemctl daemon-reload done"
else
  err "systemctl daemon-reload failed (exit $?)"
  status=1
fi
if systemctl enable --now --no-block "$PATH_UNIT"; then
  log "enabled and started $PATH_UNIT (watches $CONFLIST)"
else
  err "systemctl enable --now --no-block $PATH_UNIT failed (exit $?); the bandwidth plugin will not be re-added after aws-node restarts"
  status=1
fi
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
EKS_IPVS_FILE
chmod 0755 /usr/local/libexec/eks-ipvs/cni-bandwidth-guard-enable.sh
/usr/local/libexec/eks-ipvs/cni-bandwidth-guard-enable.sh
