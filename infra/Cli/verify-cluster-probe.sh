#!/bin/sh
# verify-cluster-probe.sh: the node probe of verify-cluster.sh. verify-cluster.sh ships this file, as it is, as the
# `sh -c` command of a short-lived hostNetwork pod on each node; it runs there with the image's own tools (POSIX
# sh, in the image's root, not the node's) and ends by calling probe_main. It lives in a file of its own so that
# it can also be run, and tested, directly on a host (tests/cni).
# kv KEY VALUE: one line; newlines in VALUE become spaces.
kv() {
  printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ')"
}
# kv64 KEY VALUE: one line; VALUE base64-encoded.
kv64() {
  printf '%s=%s\n' "$1" "$(printf '%s' "$2" | base64 | tr -d '\n')"
}
# Environment from the pod spec: WANT_IPVS, WANT_BW (1/0), IPVS_VS (the kubernetes Service as ipvsadm writes it,
# e.g. 172.20.0.1:443), CNI_DIR (the node's /etc/cni/net.d as mounted), CONFLIST (file name), BW_POD_IP (the
# test pod's IP, may be empty), VETH_SUFFIX (the 11 hex digits the VPC CNI puts after its veth prefix).
# Everything goes into a termination message of at most 4096 bytes: only what is judged is sent.
probe_node() {
  if ! command -v curl >/dev/null 2>&1; then
    kv proxyModeError "curl not found in the probe image"
  elif out=$(curl -sSf --max-time 5 "http://127.0.0.1:10249/proxyMode" 2>&1); then
    kv proxyMode "$out"
  else
    kv proxyModeError "$out"
  fi
  if [ "${WANT_IPVS:-0}" = 1 ]; then
    if out=$(ipvsadm -Ln 2>&1); then
      kv ipvsServices "$(printf '%s\n' "$out" | awk '$1 ~ /^(TCP|UDP|SCTP|FWM)$/ { n++ } END { print n + 0 }')"
      # "<scheduler> <real servers> <real servers with weight > 0>" of IPVS_VS, empty when it is not there.
      kv ipvs "$(printf '%s\n' "$out" | awk -v vs="${IPVS_VS:?}" '
        $1 ~ /^(TCP|UDP|SCTP|FWM)$/ { cur = ($1 == "TCP" && $2 == vs); if (cur) { sched = $3; found = 1 }; next }
        cur && $1 == "->" { n++; if ($4 + 0 > 0) w++ }
        END { if (found) print sched, n + 0, w + 0 }')"
    else
      kv ipvsadmError "$out"
    fi
  fi
  if [ "${WANT_BW:-0}" = 1 ]; then
    names=''
    for f in "${CNI_DIR:?}"/*; do
      [ -e "$f" ] && names="$names ${f##*/}"
    done
    kv cniFiles "$names"
    if [ -r "$CNI_DIR/${CONFLIST:?}" ]; then
      # Leading blanks and line breaks go; JSON strings hold neither raw, so the content is unchanged.
      kv conflist "$(sed 's/^[[:space:]]*//' "$CNI_DIR/$CONFLIST" | tr -d '\r\n')"
    fi
    if [ -n "${BW_POD_IP:-}" ]; then
      if out=$(ip route get "$BW_POD_IP" 2>&1); then
        kv routeDev "$(printf '%s\n' "$out" | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1)"
      else
        kv routeError "$out"
      fi
    fi
    dev=''
    if out=$(ip -o link show 2>&1); then
      dev=$(printf '%s\n' "$out" | awk -F': ' -v s="${VETH_SUFFIX:?}" '{ n = $2; sub(/@.*/, "", n) }
        length(n) > length(s) && substr(n, length(n) - length(s) + 1) == s { print n; exit }')
      kv veth "$dev"
    else
      kv linkError "$out"
    fi
    if [ -n "$dev" ]; then
      if out=$(tc qdisc show dev "$dev" 2>&1); then
        kv64 vethQdisc "$out"
        kv64 vethClass "$(tc class show dev "$dev" 2>&1)"
        out=$(tc filter show dev "$dev" parent ffff: 2>&1)
        kv64 vethFilter "$out"
        ifb=$(printf '%s\n' "$out" | sed -n 's/.*Redirect to device \([^) ]*\).*/\1/p' | head -n 1)
        if [ -n "$ifb" ]; then
          kv ifb "$ifb"
          kv64 ifbQdisc "$(tc qdisc show dev "$ifb" 2>&1)"
          kv64 ifbClass "$(tc class show dev "$ifb" 2>&1)"
        fi
      else
        kv tcError "$out"
      fi
    fi
  fi
  kv end 1
}
# probe_main: the pod's command. The result goes to RESULT (the termination message file) and to the log.
probe_main() {
  out=$(probe_node)
  if [ "$(printf '%s\n' "$out" | wc -c)" -gt 4096 ]; then
    out="probeError=the result is $(printf '%s\n' "$out" | wc -c) bytes, more than the 4096 a termination message holds"
  fi
  printf '%s\n' "$out" >"${RESULT:?}"
  printf '%s\n' "$out"
}
probe_main
