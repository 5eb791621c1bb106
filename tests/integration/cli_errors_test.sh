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

# A misspelt choice and an impossible value are refused by `plan` and by `run`
# (before any stage starts: no report, no stage log), every one with its line.
printf 'profile: quick\nstages:\n  - stage: disk\n    params:\n      mode: wirte\n      selftest: sometimes\n  - stage: memory\n    params: {share_percent: 150}\n' \
  > "$tmp/configs2/profiles/quick.yaml"
expect_error "quick.yaml:5: parameter 'mode' of stage 'disk': 'wirte' is not one of: readonly, nondestructive, write" \
  "$runner" plan --config "$tmp/configs2" --fru-file "$fru"
grep -qF "quick.yaml:6: parameter 'selftest' of stage 'disk': 'sometimes' is not one of: none, short, long" "$tmp/out"
grep -qF "quick.yaml:8: parameter 'share_percent' of stage 'memory': 150 is out of range: from 1 to 100 %" "$tmp/out"
expect_error "quick.yaml:5: parameter 'mode' of stage 'disk': 'wirte'" \
  "$runner" run --config "$tmp/configs2" --fru-file "$fru" --out "$tmp/run-out"
[ ! -e "$tmp/run-out/report.json" ] || { echo "FAIL: run wrote a report despite the bad profile"; exit 1; }

cp -r "$src/configs" "$tmp/configs3"
sed -i 's/^    seq_read_min_mbps: .*/    seq_read_min_mbps: -5/' "$tmp/configs3/deliveries/po-2026-0042.yaml"
grep -q "seq_read_min_mbps: -5" "$tmp/configs3/deliveries/po-2026-0042.yaml"
expect_error "po-2026-0042.yaml:27: 'limits.fio.seq_read_min_mbps': -5 MB/s is negative" \
  "$runner" plan --config "$tmp/configs3" --fru-file "$fru"

printf 'profile: quick\nstages:\n  - stage: inventroy\n' > "$tmp/configs2/profiles/quick.yaml"
expect_error "quick.yaml:3: unknown stage 'inventroy'" "$runner" plan --config "$tmp/configs2" --fru-file "$fru"

: > "$tmp/empty.txt"
expect_error "empty.txt: " "$runner" plan --fru-file "$tmp/empty.txt"

head -c 7 "$fru" > "$tmp/truncated.txt"
expect_error "truncated.txt: " "$runner" plan --fru-file "$tmp/truncated.txt"

expect_error "--bmc 'host:99999': port must be 1-65535" "$runner" fru --bmc host:99999
echo "all CLI error cases passed"
