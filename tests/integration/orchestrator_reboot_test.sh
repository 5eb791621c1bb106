#!/usr/bin/env bash
# An unexpected reboot mid-stage against the real kiln-orchestrator and the
# real kiln-runner (no Ironic; docs/reboots.md). The runner is killed -9 in
# the memtest stage (what a reset looks like from outside) and started again
# with another boot id (--boot-id-file: what the next boot reads from
# /proc/sys/kernel/random/boot_id) and a fresh output folder (the ramdisk is
# gone). The run continues on the same token:
#   orchestrator_reboot_test.sh BIN_DIR SOURCE_DIR fail|retry_stage
# fail:        the run ends FAIL with KILN-RUN-UNEXPECTED-REBOOT naming the
#              memtest stage; inventory, finished before, is not run again
# retry_stage: memtest runs again and passes; the run ends PASS
# Both: the run holds one unexpected_reboot event (boot ids, stage, progress),
# report.json lists the reboot and validates, and every artifact of both boots
# is stored exactly once with contiguous sequence numbers.
set -euo pipefail
bin=$1; src=$2; policy=$3
it=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$it/orchestrator_rig.sh"
rig_init kiln-reboot-it
runner_pid=""
rig_on_exit '[ -n "$runner_pid" ] && kill -KILL "$runner_pid" 2>/dev/null'

mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
printf 'delivery: PO-2026-0042\nprofile: burnin\non_unexpected_reboot: %s\n' "$policy" \
  > "$tmp/configs/deliveries/po.yaml"
printf 'profile: burnin\nstages:\n  - stage: inventory\n  - stage: memtest\n    params: {size_mib: 32, passes: 0, duration: 12s, reserve_mib: 0}\n' \
  > "$tmp/configs/profiles/burnin.yaml"
rig_write_config
start_orchestrator
node=kiln-reboot-node
out=$(kilnctl -f json burnin start --node "$node") || fail "burnin start: $out"
token=$(jget 'd["runs"][0]["token"]' <<< "$out")
run_id=$(jget 'd["runs"][0]["run_id"]' <<< "$out")
run_show() { curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$run_id"; }
runner() {  # OUT-DIR: kiln-runner in the background, $runner_pid
  "$bin/kiln-runner" run --config "$tmp/configs" --profile burnin \
    --fru-file "$src/tests/data/fru-po-2026-0042.txt" --out "$1" --orchestrator "$url" \
    --token "$token" --node "$node" --boot-id-file "$tmp/boot_id" --flush-timeout 60 \
    > "$1.log" 2>&1 &
  runner_pid=$!
}

echo boot-a-7f0c3a52-0d1e-4c65-9d0e-3b8c4b0e6a11 > "$tmp/boot_id"
runner "$tmp/boot-a"
for _ in $(seq 300); do
  [ "$(run_show | jget 'd["stage"] == "memtest" and d["progress"] > 0')" = True ] && break; sleep 0.1
done
[ "$(run_show | jget 'd["stage"]')" = memtest ] || { cat "$tmp/boot-a.log"; fail "the runner never reached memtest"; }
sleep 1
kill -KILL "$runner_pid"; wait "$runner_pid" 2>/dev/null || true; runner_pid=""
stored_a=$(run_show | jget 'd["artifacts"]')
echo "boot A killed -9 in memtest at $(run_show | jget 'd["progress"]') %, $stored_a artifacts stored"

echo boot-b-1c9e6f0a-52b7-4c1d-8e2f-9a0b7c6d5e44 > "$tmp/boot_id"
runner "$tmp/boot-b"
rc=0; wait "$runner_pid" || rc=$?; runner_pid=""
cat "$tmp/boot-b.log"
grep -q "continuing the run after an unexpected reboot during the memtest stage" "$tmp/boot-b.log" ||
  fail "boot B did not say it continues the run"
report=$tmp/boot-b/report.json
verdict=$(jget 'd["verdict"]' < "$report")
if [ "$policy" = fail ]; then
  [ "$rc" = 1 ] && [ "$verdict" = FAIL ] || fail "policy fail: exit $rc, verdict $verdict"
  jget '"\n".join(d["failures"])' < "$report" |
    grep -q "^KILN-RUN-UNEXPECTED-REBOOT: the node reset during the memtest stage at [0-9]* %" ||
    fail "no KILN-RUN-UNEXPECTED-REBOOT failure naming memtest: $(jget 'd["failures"]' < "$report")"
  [ "$(jget 'd["reboots"][0]["handled"]' < "$report")" = FAIL ] || fail "reboot not handled FAIL"
else
  [ "$rc" = 0 ] && [ "$verdict" = PASS ] || fail "policy retry_stage: exit $rc, verdict $verdict"
  [ "$(jget 'd["reboots"][0]["handled"]' < "$report")" = rerun ] || fail "reboot not handled rerun"
  [ "$(jget '[s["verdict"] for s in d["stages"] if s["name"] == "memtest"][0]' < "$report")" = PASS ] ||
    fail "memtest did not pass when run again"
fi
[ "$(jget '[s.get("finished_on_earlier_boot", False) for s in d["stages"] if s["name"] == "inventory"][0]' < "$report")" = True ] ||
  fail "inventory was not carried from boot A"
[ "$(jget 'len(d["reboots"])' < "$report")" = 1 ] || fail "report.json does not list one reboot"
/usr/bin/python3 "$src/tests/integration/validate_json.py" "$src/results-schema/report.schema.json" "$report" ||
  fail "report.json does not validate"

# Each boot's own stream is a whole OCPTV stream (OCP's schemas in ../shared, or
# $KILN_OCP_SCHEMAS; skipped without them).
schemas=${KILN_OCP_SCHEMAS:-$src/../shared/ocp-diag-schema}
if [ -d "$schemas" ]; then
  /usr/bin/python3 "$src/tests/integration/validate_ocptv.py" "$tmp/boot-b/ocptv.jsonl" "$schemas" ||
    fail "boot B's ocptv.jsonl does not validate against OCP's schemas"
else
  echo "OCP schemas not present ($schemas): boot B's stream not validated"
fi

# The orchestrator's side: the event, the verdict, each artifact once.
show=$(run_show)
[ "$(jget 'd["verdict"]' <<< "$show")" = "$verdict" ] || fail "the orchestrator's verdict differs"
[ "$(jget 'len(d["events"])' <<< "$show")" = 1 ] || fail "events: $(jget 'd["events"]' <<< "$show")"
[ "$(jget 'd["events"][0]["kind"]' <<< "$show")" = unexpected_reboot ] || fail "event kind"
[ "$(jget 'd["events"][0]["interrupted"]["stage"]' <<< "$show")" = memtest ] || fail "event stage"
[ "$(jget 'd["events"][0]["boot_id"].startswith("boot-b") and d["events"][0]["previous_boot_id"].startswith("boot-a")' <<< "$show")" = True ] ||
  fail "event boot ids"
kilnctl run show "$run_id" | tee "$tmp/run-show.txt"
grep -q "node rebooted during memtest at [0-9]* % (on_unexpected_reboot: $policy)" "$tmp/run-show.txt" ||
  fail "kilnctl run show does not list the reboot"
curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$run_id/artifacts" > "$tmp/artifacts.json"
lines_b=$(wc -l < "$tmp/boot-b/ocptv.jsonl")
python3 - "$tmp/artifacts.json" "$lines_b" <<'PY' || fail "artifacts not stored exactly once"
import json, sys
d = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in d["artifacts"]]
seqs = [l["sequenceNumber"] for l in lines]
assert seqs == list(range(len(seqs))), f"sequence numbers not contiguous and unique: {seqs[:5]}...{seqs[-5:]}"
starts = [l["testStepArtifact"]["testStepStart"]["name"] for l in lines
          if "testStepArtifact" in l and "testStepStart" in l["testStepArtifact"]]
assert starts.count("inventory") == 1, f"inventory started {starts.count('inventory')} times: {starts}"
assert starts.count("memtest") == 2, f"memtest steps: {starts}"
runs = [l for l in lines if "testRunArtifact" in l and "testRunStart" in l["testRunArtifact"]]
assert len(runs) == 2, f"{len(runs)} testRunStart (one per boot expected)"
second = next(i for i, l in enumerate(lines) if l is runs[1])
assert len(lines) - second + 1 == int(sys.argv[2]), f"boot B wrote {sys.argv[2]} lines, {len(lines) - second + 1} stored"
print(f"{len(lines)} artifacts, sequence 0..{len(lines) - 1}, boot B from {second - 1}; steps {starts}")
PY
echo "orchestrator reboot $policy passed"
