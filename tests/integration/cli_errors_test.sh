#!/usr/bin/env bash
# Bad input gets a clear error naming what and where, and exit 2:
# a config typo, an empty FRU output, a truncated FRU output.
#   cli_errors_test.sh RUNNER SOURCE_DIR
set -euo pipefail
runner=$1; src=$2
tmp=$(mktemp -d /tmp/kiln-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fru="$src/tests/data/fru-po-2026-0042.txt"

expect_error() {  # expect_error "needle" cmd...
  local needle=$1; shift
  set +e; "$@" > "$tmp/out" 2>&1; local rc=$?; set -e
  cat "$tmp/out"
  [ "$rc" = 2 ] || { echo "FAIL: expected exit 2, got $rc: $*"; exit 1; }
  grep -qF -- "$needle" "$tmp/out" || { echo "FAIL: output lacks '$needle'"; exit 1; }
  echo "ok: $needle"
}

cp -r "$src/configs" "$tmp/configs"
sed -i 's/^  cpu_threads: 2$/  cpu_thread: 2/' "$tmp/configs/deliveries/po-2026-0042.yaml"
expect_error "po-2026-0042.yaml:8: unknown key 'cpu_thread' in 'expected'" \
  "$runner" plan --config "$tmp/configs" --fru-file "$fru"

cp -r "$src/configs" "$tmp/configs2"
printf 'profile: quick\nstages:\n  - stage: inventory\n    params:\n      durration: 5s\n' > "$tmp/configs2/profiles/quick.yaml"
expect_error "quick.yaml:5: unknown parameter 'durration' for stage 'inventory'" \
  "$runner" plan --config "$tmp/configs2" --fru-file "$fru"

printf 'profile: quick\nstages:\n  - stage: inventroy\n' > "$tmp/configs2/profiles/quick.yaml"
expect_error "quick.yaml:3: unknown stage 'inventroy'" "$runner" plan --config "$tmp/configs2" --fru-file "$fru"

: > "$tmp/empty.txt"
expect_error "empty.txt: " "$runner" plan --fru-file "$tmp/empty.txt"

head -c 7 "$fru" > "$tmp/truncated.txt"
expect_error "truncated.txt: " "$runner" plan --fru-file "$tmp/truncated.txt"

expect_error "--bmc 'host:99999': port must be 1-65535" "$runner" fru --bmc host:99999
echo "all CLI error cases passed"
