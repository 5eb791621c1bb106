#!/usr/bin/env bash
# Runs kiln-runner on this machine (FRU from a file, inventory only) and
# validates what it wrote: report.json against results-schema/report.schema.json,
# ocptv.jsonl against OCP's schemas (../shared/ocp-diag-schema; exit 77 = skip
# when absent), and checks that the validator does reject a broken stream.
#   report_and_stream_test.sh RUNNER SOURCE_DIR report|ocptv
set -euo pipefail
runner=$1; src=$2; what=$3
out=$(mktemp -d /tmp/kiln-it.XXXXXX)
trap 'rm -rf "$out"' EXIT
cat > "$out/inventory-only.yaml" <<'YAML'
profile: inventory-only
stages:
  - stage: inventory
YAML
mkdir -p "$out/configs/profiles" "$out/configs/deliveries"
cp "$src"/configs/deliveries/*.yaml "$out/configs/deliveries/"
cp "$out/inventory-only.yaml" "$out/configs/profiles/"
for p in quick standard full; do sed "s/^profile: .*/profile: $p/" "$out/inventory-only.yaml" > "$out/configs/profiles/$p.yaml"; done
set +e
"$runner" run --config "$out/configs" --profile inventory-only --fru-file "$src/tests/data/fru-po-2026-0042.txt" --out "$out/run" > "$out/stdout" 2>&1
rc=$?
set -e
cat "$out/stdout"
[ "$rc" -le 2 ] || { echo "kiln-runner exited $rc"; exit 1; }
test -s "$out/run/report.json"
case $what in
  report)
    /usr/bin/python3 "$src/tests/integration/validate_json.py" "$src/results-schema/report.schema.json" "$out/run/report.json"
    /usr/bin/python3 - "$out/run/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["delivery"] == {"tag": "PO-2026-0042", "matched": True}, r["delivery"]
assert [s["name"] for s in r["stages"]] == ["preliminary", "inventory"], r["stages"]
assert r["stages"][0]["verdict"] == "PASS"
assert r["node"]["fru"]["product_serial"] == "KILN-DEMO-0001"
print("report content checks passed")
PY
    # A report missing a required field must be rejected (the check can fail).
    /usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); del r['verdict']; json.dump(r, open(sys.argv[2],'w'))" \
      "$out/run/report.json" "$out/broken.json"
    if /usr/bin/python3 "$src/tests/integration/validate_json.py" "$src/results-schema/report.schema.json" "$out/broken.json" >/dev/null; then
      echo "validator accepted a report without a verdict"; exit 1
    fi ;;
  ocptv)
    schemas="$src/../shared/ocp-diag-schema"
    set +e
    /usr/bin/python3 "$src/tests/integration/validate_ocptv.py" "$out/run/ocptv.jsonl" "$schemas"
    rc=$?
    set -e
    [ "$rc" = 0 ] || exit "$rc"
    # Drop the run end and corrupt a status: the validator must reject both.
    head -n -1 "$out/run/ocptv.jsonl" > "$out/cut.jsonl"
    if /usr/bin/python3 "$src/tests/integration/validate_ocptv.py" "$out/cut.jsonl" "$schemas" >/dev/null; then
      echo "validator accepted a stream without testRunEnd"; exit 1
    fi
    sed 's/"status":"COMPLETE"/"status":"DONE"/' "$out/run/ocptv.jsonl" > "$out/bad.jsonl"
    if /usr/bin/python3 "$src/tests/integration/validate_ocptv.py" "$out/bad.jsonl" "$schemas" >/dev/null; then
      echo "validator accepted status DONE"; exit 1
    fi
    echo "broken streams rejected" ;;
esac
