#!/usr/bin/env bash
# Markdown for a pull-request comment: per stack, what every add-on and node group receives differently from the
# base branch, as unified diffs of the two offline renders.
#   usage: render-diff.sh <base-render-dir> <head-render-dir> [<stack>...]
# Each render dir holds <stack>/ folders as `render --all --out` (or `render --stack <s> --out <dir>/<s>`) writes
# them. A stack missing on the base side is new; one missing on the head side did not render (invalid config,
# which the validate job reports). The comment stays under GitHub's 65,536-character limit: each stack's diff is
# cut at 12,000 characters and the whole at 60,000, pointing to the job log for the rest.
set -euo pipefail

if [ "$#" -lt 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
  echo "usage: render-diff.sh <base-render-dir> <head-render-dir> [<stack>...]" >&2
  exit 2
fi
base=$1
head=$2
shift 2

readonly marker='<!-- eks-ipvs render diff -->'
readonly per_stack_limit=12000
readonly total_limit=60000

# The relative paths of every rendered file under one or two stack folders, sorted, once each (not the list of
# files the render tool keeps for itself, .eks-ipvs-render).
files_of() {
  local dir
  for dir in "$@"; do
    [ -d "$dir" ] && (cd "$dir" && find . -type f ! -name .eks-ipvs-render | sed 's|^\./||')
  done | LC_ALL=C sort -u
}

# A rendered file as the diff shows it: in user data, the gzip+base64 payload becomes one line with its length
# (its decoded form, <group>.userdata.d/node-setup.sh, is diffed on its own and shows the script changes).
view() {
  case $1 in
    *.userdata) awk '/^EKS_IPVS_PAYLOAD$/ { if (n) print "(" n " lines of gzip+base64; decoded in the .userdata.d folder)"; p = 0; n = 0 }
      p { n++; next } { print } /<<.EKS_IPVS_PAYLOAD.( |$)/ { p = 1 }' "$1" 2>/dev/null || true ;;
    *) cat "$1" 2>/dev/null || true ;;
  esac
}

# A unified diff of one stack's renders, file by file, with base/ and head/ labels; empty when equal.
stack_diff() {
  local stack=$1 file
  while IFS= read -r file; do
    [ -n "$file" ] || continue
    diff -u --label "main/$stack/$file" --label "pr/$stack/$file" \
      <(view "$base/$stack/$file") <(view "$head/$stack/$file") || true
  done < <(files_of "$base/$stack" "$head/$stack")
}

echo "$marker"
echo "### What the clusters receive: this pull request against the base branch"
echo
if [ "$#" -eq 0 ]; then
  echo "This change reaches no stack (documentation, tests or CI only): nothing to preview or deploy."
  exit 0
fi
echo "Offline renders (\`render --all\`) of both sides: add-on configuration values, node user data and launch templates, deploy policy."
echo
total=0
for stack in "$@"; do
  section="#### \`$stack\`"$'\n'
  if [ ! -d "$head/$stack" ]; then
    section+="Not rendered on this branch: its config is invalid (see the validate job)."$'\n'
  else
    changes=$(stack_diff "$stack")
    changed_files=$(grep -c '^+++ ' <<<"$changes" || true)
    if [ ! -d "$base/$stack" ]; then
      section+="A new stack: everything below is new."$'\n'
    fi
    if [ -z "$changes" ]; then
      section+="No add-on, node group or policy receives anything different."$'\n'
    else
      if [ "${#changes}" -gt "$per_stack_limit" ]; then
        changes="${changes:0:per_stack_limit}"$'\n'"... (cut; the full diff is in this job's log)"
      fi
      section+="$changed_files file(s) differ:"$'\n\n'"<details><summary>diff</summary>"$'\n\n'"\`\`\`diff"$'\n'"$changes"$'\n'"\`\`\`"$'\n\n'"</details>"$'\n'
    fi
  fi
  if [ $((total + ${#section})) -gt "$total_limit" ]; then
    echo "... more stacks left out to fit a comment; see this job's log."
    break
  fi
  total=$((total + ${#section}))
  printf '%s\n' "$section"
done
