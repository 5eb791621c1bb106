#!/usr/bin/env bash
# The benchmark and memtest stages on this machine: COMPLETE with a score and
# a verdict against the delivery's limits; an impossible tender figure FAILs
# with an actionable reason.   benchmark_memtest_test.sh RUNNER SOURCE_DIR
set -euo pipefail
runner=$1; src=$2
tmp=$(mktemp -d /tmp/kiln-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
cp "$src/configs/hepbench-reference.yaml" "$tmp/configs/"
cat > "$tmp/configs/profiles/quick.yaml" <<'YAML'
profile: quick
stages:
  - stage: benchmark
    params: {length: box=1s}
  - stage: memtest
    params: {size_mib: 128, passes: 0, duration: 5s}
YAML
write_delivery() {
  cat > "$tmp/configs/deliveries/po.yaml" <<YAML
delivery: PO-2026-0042
profile: quick
limits:
  benchmark: {min_score: $1, max_copy_cv_percent: 60}
  memtest: {errors_max: 0}
YAML
}
fru="$src/tests/data/fru-po-2026-0042.txt"

write_delivery 1
"$runner" run --config "$tmp/configs" --fru-file "$fru" --out "$tmp/pass"
/usr/bin/python3 - "$tmp/pass/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "PASS", r["failures"]
stages = {s["name"]: s for s in r["stages"]}
b = stages["benchmark"]
score = next(m for m in b["measurements"] if m["name"] == "score")
assert score["value"] > 1 and score["limits"][0]["name"] == "limits.benchmark.min_score", score
assert score["limits"][0]["passed"] is True
assert sum(1 for m in b["measurements"] if m["name"] == "workload_score") == 5
m = stages["memtest"]
assert m["verdict"] == "PASS"
mism = next(x for x in m["measurements"] if x["name"] == "memtest_mismatches")
assert mism["value"] == 0 and mism["limits"][0]["passed"] is True
print(f"benchmark score {score['value']:.1f}, memtest PASS")
PY

write_delivery 100000
set +e
"$runner" run --config "$tmp/configs" --fru-file "$fru" --out "$tmp/fail" > "$tmp/fail.txt" 2>&1
rc=$?
set -e
cat "$tmp/fail.txt"
[ "$rc" = 1 ] || { echo "FAIL: an impossible tender score must exit 1, got $rc"; exit 1; }
/usr/bin/python3 - "$tmp/fail/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = [x for x in r["failures"] if x.startswith("KILN-BENCH-BELOW-TENDER")]
assert f, r["failures"]
assert "the tender requires at least 100000" in f[0], f[0]
PY
echo "benchmark/memtest integration passed"
