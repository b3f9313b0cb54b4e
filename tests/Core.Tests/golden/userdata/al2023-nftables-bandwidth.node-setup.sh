#!/usr/bin/env bash
# eks-ipvs: this project's node setup, unpacked by the first user data part into /usr/local/libexec/eks-ipvs.
# Rendered from infra/Core/Nodes/NodeScripts (comments there); edit those files, not this script.
set -euo pipefail
install -d -m 0755 /usr/local/libexec/eks-ipvs
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
