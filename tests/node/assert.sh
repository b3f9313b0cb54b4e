# shellcheck shell=bash
# tests/node/assert.sh: assertions for the node tests (sourced by run.sh next to sandbox.sh).
#   fail MSG                        end the test: prints "FAIL: MSG" (run.sh shows it as the reason)
#   skip MSG                        end the test as skipped (an optional tool is missing): "SKIP: MSG"
#   sbx CMD [ARG...]                sb_run, capturing stdout/stderr/status into $OUT, $ERR, $RC
#   sbx_sh SNIPPET [ARG...]         the same for sb_sh
#   assert_rc WANT [WHAT]           $RC == WANT
#   assert_eq WANT GOT WHAT         strings equal (shows both on failure)
#   assert_contains TEXT NEEDLE WHAT / assert_not_contains TEXT NEEDLE WHAT   (fixed strings)
#   assert_log_has REGEX WHAT       a logger.log line matches the ERE (TAG<TAB>PRIO<TAB>MESSAGE)
#   assert_log_lacks REGEX WHAT
#   assert_count WANT FILE REGEX WHAT   number of lines of FILE matching the ERE
#   file_state FILE                 prints "inode mtime(ns) mode owner sha256" to compare before/after

fail() {
  printf 'FAIL: %s\n' "$*"
  exit 1
}

skip() {
  printf 'SKIP: %s\n' "$*"
  exit 3
}

# Runs CMD..., setting RC, OUT and ERR for the assertions below.
capture() {
  local o e
  o=$(mktemp) e=$(mktemp)
  "$@" >"$o" 2>"$e"
  RC=$?
  # shellcheck disable=SC2034 # OUT is read by the tests that source this file.
  OUT=$(cat "$o") ERR=$(cat "$e")
  rm -f "$o" "$e"
}

sbx() { capture sb_run "$@"; }

sbx_sh() { capture sb_sh "$@"; }

assert_rc() {
  [[ $RC == "$1" ]] || fail "${2:-command}: exit $RC, expected $1; stderr: $(tail -n 3 <<<"$ERR" | tr '\n' '|')"
}

assert_eq() {
  [[ $1 == "$2" ]] || fail "$3: expected [$(tr '\n' '|' <<<"$1")] got [$(tr '\n' '|' <<<"$2")]"
}

assert_contains() {
  [[ $1 == *"$2"* ]] || fail "$3: missing [$2] in [$(tr '\n' '|' <<<"$1" | cut -c1-400)]"
}

assert_not_contains() {
  [[ $1 != *"$2"* ]] || fail "$3: unexpected [$2] in [$(tr '\n' '|' <<<"$1" | cut -c1-400)]"
}

assert_log_has() {
  sb_log logger | grep -Eq -- "$1" || fail "$2: no log line matches /$1/; log: $(sb_log logger | tail -n 4 | tr '\n' '|')"
}

assert_log_lacks() {
  ! sb_log logger | grep -Eq -- "$1" || fail "$2: a log line matches /$1/: $(sb_log logger | grep -E -- "$1" | head -n 2 | tr '\n' '|')"
}

assert_count() {
  local n=0
  [[ ! -f $2 ]] || n=$(grep -Ec -- "$3" "$2" || true)
  [[ $n == "$1" ]] || fail "$4: $n lines match /$3/ in ${2##*/}, expected $1"
}

file_state() {
  stat -c '%i %.9Y %a %u:%g' -- "$1" | tr -d '\n'
  printf ' %s\n' "$(sha256sum <"$1" | cut -d' ' -f1)"
}
