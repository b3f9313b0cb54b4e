#!/usr/bin/env bash
# tests/verify/bench.sh: how infra/Cli/verify-cluster.sh scales, over the stand-in kubectl (tests/verify/stub) and
# a recorded cluster of N nodes (default 200), each a copy of fixtures/healthy's first node. It prints the kubectl
# calls the script makes, by kind, and the wall time; with --parallel P also the batched run. A bench prints
# numbers; it asserts nothing and is not part of tests/run.
# Usage: bash tests/verify/bench.sh [NODES] [PARALLEL]   (defaults 200 and 50)
# The wall time is mostly the stand-in's own work (it builds every pod's status with jq); on a real cluster
# each kubectl call also pays a round trip and, on EKS, one `aws eks get-token`, which is why the count matters.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
nodes=${1:-200}
parallel=${2:-50}
[[ $nodes =~ ^[1-9][0-9]{0,3}$ && $parallel =~ ^[1-9][0-9]{0,3}$ ]] ||
  { echo "bench.sh: NODES and PARALLEL must be whole numbers from 1 to 9999, got [$nodes] [$parallel]" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset KUBECONFIG

template=ip-10-0-1-23.eu-west-1.compute.internal
fix=$work/fixture
mkdir -p "$fix/nodes"
cp "$here/fixtures/healthy/kubernetes-svc-ip" "$fix/"
cp -R "$here/fixtures/healthy/nodes/$template" "$work/node"
# N nodes named like EKS nodes, each the template node (their recorded outputs are the same, their names not).
jq --argjson n "$nodes" --arg t "$template" '
  (.items[] | select(.metadata.name == $t)) as $node
  | .items = [range(0; $n) | . as $i | "ip-10-1-\($i / 250 | floor)-\($i % 250 + 1).eu-west-1.compute.internal" as $name
      | $node | .metadata.name = $name | .metadata.labels["kubernetes.io/hostname"] = $name]' \
  "$here/fixtures/healthy/nodes.json" >"$fix/nodes.json"
while IFS= read -r name; do ln -s "$work/node" "$fix/nodes/$name"; done < <(jq -r '.items[].metadata.name' "$fix/nodes.json")

# The stand-in, timed: its share of the wall time is not the script's.
mkdir -p "$work/bin"
cat >"$work/bin/kubectl" <<EOF
#!/usr/bin/env bash
start=\$(date +%s%N)
rc=0
"$here/stub/kubectl" "\$@" || rc=\$?
echo \$(( (\$(date +%s%N) - start) / 1000000 )) >>"\$VERIFY_STATE/stub-ms"
exit \$rc
EOF
chmod +x "$work/bin/kubectl"

run() { # LABEL ARG...: one run; prints its kubectl calls by kind and its wall time
  local label=$1 state start end rc=0
  shift
  state=$(mktemp -d "$work/state.XXXXXX")
  start=$(date +%s%N)
  PATH="$work/bin:$PATH" VERIFY_FIXTURE="$fix" VERIFY_STATE="$state" VERIFY_CACHE="$work/cache" \
    bash "$repo/infra/Cli/verify-cluster.sh" --mode ipvs --timeout 3600 "$@" >"$state/out" 2>"$state/err" || rc=$?
  end=$(date +%s%N)
  printf '%s: %d nodes, exit %d, %s\n' "$label" "$nodes" "$rc" "$(tail -n 1 "$state/out")"
  printf '  kubectl calls: %d in all\n' "$(wc -l <"$state/calls.log")"
  sed -E 's/^(get pods) .*role=([a-z]+).*/\1 (poll, \2)/; t; s/^(delete pods) .*batch=.*/\1 (a finished batch)/; t
    s/^(delete pods) .*/\1 (the run)/; t; s/^(get [a-z]+) .*/\1/' "$state/calls.log" |
    sort | uniq -c | sort -rn | sed 's/^/   /'
  printf '  wall time: %d.%03d s, of which the stand-in kubectl %d.%03d s\n' "$(((end - start) / 1000000000))" \
    "$(((end - start) / 1000000 % 1000))" "$(($(awk '{ s += $1 } END { print s + 0 }' "$state/stub-ms") / 1000))" \
    "$(($(awk '{ s += $1 } END { print s + 0 }' "$state/stub-ms") % 1000))"
}

run "one batch (--parallel $nodes)" --parallel "$nodes"
run "batches of $parallel (--parallel $parallel)" --parallel "$parallel"
