#!/usr/bin/env bash
# Burn-in and decommission runs in one delivery, through the real orchestrator
# and kilnctl: one real kiln-runner report (benchmark) posted as the burn-in of
# six nodes (one 12 % slow), then three of them decommissioned (one wiped and
# certified, one failed, one still running) with reports whose scores are far
# off the batch. `kilnctl delivery show|list` must count the burn-ins and the
# decommissions apart: the burn-in verdicts, figures and outliers are the
# burn-in runs' only, the decommissions are their own counts.
#   delivery_kinds_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1; src=$2
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-kinds-it
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

rig_benchmark_report

# No config_dir: the orchestrator only records, signs certificates and summarises.
rig_write_config --no-config-dir "certificate_key: $tmp/certificate-key.pem"
start_orchestrator

# post KIND NODE FACTOR VERDICT CERTIFY: start KIND, register, [certificate], [report x FACTOR]
post() {
  python3 - "$url" "$OP" "$tmp/run/report.json" "$@" <<'PY'
import json, sys, urllib.request
url, op, path, kind, node, factor, verdict, certify = sys.argv[1:]
def call(path, token, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
started = call(f"/v1/{kind}", op, {"nodes": [node]})["runs"][0]
run, token = started["run_id"], started["token"]
call("/v1/runs/register", token, {"node": {"ironic_uuid": node, "asset_tag": "PO-2026-0042", "serial": "S-" + node[-1]}})
if certify == "yes":
    signed = call(f"/v1/runs/{run}/certificate", token,
                  {"node": {"ironic_uuid": node}, "disks": [{"device": "/dev/sda", "result": "wiped"}], "verdict": "PASS"})
    assert signed["signature"]["algorithm"] == "Ed25519", signed
if verdict != "none":
    report = json.load(open(path))
    for stage in report["stages"]:
        for m in stage["measurements"]:
            if m["name"] in ("score", "workload_score"):
                m["value"] *= float(factor)
    report["verdict"] = verdict
    report["failures"] = [] if verdict == "PASS" else ["disk S-1 (/dev/sda): 5 byte(s) differ from the zeros pattern"]
    assert call(f"/v1/runs/{run}/report", token, report)["stored"]
PY
}
factors=(1.0 1.012 0.991 1.004 0.996 0.88)
for i in 0 1 2 3 4 5; do post burnins "node-$i" "${factors[$i]}" PASS no; done
# Decommissions after the burn-ins, with scores that would be outliers (and verdicts that
# would be counted) if they were mixed into the burn-in analysis.
post decommissions node-0 0.30 PASS yes
post decommissions node-1 0.31 FAIL no
post decommissions node-2 0.32 none no

kilnctl delivery show PO-2026-0042 | tee "$tmp/show.txt"
grep -q "^delivery PO-2026-0042: 6 nodes; burn-in: 6 passed, 0 failed, 0 errored, 0 running$" "$tmp/show.txt" ||
  fail "burn-in counts mixed with decommission runs"
grep -q "^decommission: 3 nodes, 1 wiped, 1 certified, 1 failed, 1 running$" "$tmp/show.txt" ||
  fail "no decommission counts"
grep -Eq "^node-0 +S-0 +PASS +PASS cert " "$tmp/show.txt" || fail "node-0: burn-in PASS, decommission PASS cert"
grep -Eq "^node-1 +S-1 +PASS +FAIL +decommission: disk S-1 \(/dev/sda\): 5 byte\(s\) differ" "$tmp/show.txt" ||
  fail "node-1: burn-in PASS, decommission FAIL with its first failure"
grep -Eq "^node-2 +S-2 +PASS +registered " "$tmp/show.txt" || fail "node-2: decommission still running"
grep -Eq "^node-3 +S-3 +PASS +- " "$tmp/show.txt" || fail "node-3: no decommission"
grep -q "^batch analysis: 6 of 6 nodes reported (PASS 6, FAIL 0, ERROR 0, none 0); 1 outlier node(s)$" "$tmp/show.txt" ||
  fail "batch analysis counts"
grep -q "^decommission runs (not in the batch analysis): 3 node(s), 1 wiped, 1 certified, 1 failed, 1 running$" "$tmp/show.txt" ||
  fail "summary: no decommission line"
grep -Eq "^node node-5 \(S-5\): benchmark score" "$tmp/show.txt" || fail "the slow burn-in node is not named"
! grep -Eq "^node node-[0-2] " "$tmp/show.txt" || fail "a decommission report's figure made an outlier"

kilnctl delivery list | tee "$tmp/list.txt"
grep -Eq "^PO-2026-0042 +6 +6 +0 +0 +0 +1 +1 +1$" "$tmp/list.txt" || fail "delivery list counts"

kilnctl -f json delivery show PO-2026-0042 > "$tmp/show.json"
python3 - "$tmp/show.json" <<'PY' || fail "JSON: kinds not apart"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
want = {"nodes": 3, "wiped": 1, "certified": 1, "failed": 1, "running": 1}
assert d["decommission"] == want, d["decommission"]
assert s["decommission"] == want, s["decommission"]
assert s["run_kind"] == "burnin" and s["reported"] == 6 and s["verdicts"]["PASS"] == 6, s
assert {o["node"] for o in s["outliers"]} == {"node-5"}, s["outliers"]
score = next(f for f in s["figures"] if f["key"] == "benchmark.score")
assert score["nodes"] == 6 and score["min"] > 0.8 * score["median"], score
for n in d["node_list"]:
    assert n["run"]["kind"] == "burnin", n
    if "decommission_run" in n:
        assert n["decommission_run"]["kind"] == "decommission", n
print("JSON: burn-in 6 PASS, 1 outlier (node-5); decommission", s["decommission"])
PY
echo "delivery kinds passed: burn-in and decommission runs counted apart"
