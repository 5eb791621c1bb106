#!/usr/bin/env bash
# Decommission through kiln-orchestrator, a real Ironic (fake-hardware) and the real kiln-runner
# wiping a loop device (root):
#   orchestrator_decommission_test.sh BIN_DIR SOURCE_DIR pass|pass_delete|kill9|fail
# pass:        the node has automated_clean=true: `kilnctl decommission start` -> Ironic deploys it
#              with kiln.mode=decommission -> the runner (decommission_go_ahead from the orchestrator)
#              wipes the disk and posts its certificate -> the orchestrator signs and stores it ->
#              node retired (retired_reason naming the certificate), undeployed, and Ironic's own
#              cleaning leaves it manageable. The served certificate verifies with
#              `kilnctl certificate verify --orchestrator`, a tampered copy does not.
# pass_delete: automated cleaning off: Ironic makes the retired node available, kiln moves it to
#              manageable itself, then deletes it (decommission.delete_node: true).
# kill9:       like pass_delete without the delete, with the orchestrator killed -9 while the node
#              waits for its runner and restarted: the run resumes from the store.
# fail:        an impossible tender figure -> the run FAILs -> maintenance with the report's
#              first failure, not retired.
set -euo pipefail
bin=$1; src=$2; case_=$3
it=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (the runner wipes a loop device)"; exit 77; }
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$it/orchestrator_rig.sh"
rig_init kiln-decom-orch
loop=""
rig_on_exit '[ -n "$loop" ] && losetup -d "$loop" 2>/dev/null'

truncate -s 1M "$tmp/probe.img"
probe=$(losetup -f --show "$tmp/probe.img" 2>/dev/null) || { echo "SKIP: no loop device support"; exit 77; }
losetup -d "$probe"
rig_start_ironic
rig_enrol_node kiln-decom
if [ "$case_" = pass ]; then  # this node is cleaned by Ironic on undeploy (the production setting)
  curl -sf -X PATCH -H "$H" -H 'Content-Type: application/json' \
    -d '[{"op": "replace", "path": "/automated_clean", "value": true}]' "$ironic_url/v1/nodes/$node" >/dev/null
fi

# The runner's configuration: inventory + disk-wipe (full read-back) of the loop device.
mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries" "$tmp/keys"
printf 'delivery: PO-2026-0042\nprofile: decommission\n' > "$tmp/configs/deliveries/po.yaml"
[ "$case_" = fail ] && printf 'expected:\n  cpu_threads: 4096\n' >> "$tmp/configs/deliveries/po.yaml"
cat > "$tmp/configs/profiles/decommission.yaml" <<'YAML'
profile: decommission
stages:
  - stage: inventory
  - stage: disk-wipe
    params: {overwrite: always, pattern: zeros, verify: full, allow_signatures: true}
YAML
delete_node=false; [ "$case_" = pass_delete ] && delete_node=true
rig_write_config "certificate_key: $tmp/keys/certificate-key.pem
decommission:
  delete_node: $delete_node
  certificate_wait_s: 60" "extra_kernel_params: console=ttyS0 kiln.mode=burnin"
start_orchestrator
[ "$(stat -c %a "$tmp/keys/certificate-key.pem")" = 600 ] || fail "the signing key is not mode 0600"
key_id=$(curl -sf "$url/v1/certificate-key" | jget 'd["key_id"]')
echo "orchestrator signs with key $key_id"

kilnctl decommission start --node "$node" --operator "Olga Ops"
run_id=$(kilnctl -f json run list | jget 'd["runs"][-1]["id"]')
[ "$(kilnctl -f json run show "$run_id" | jget 'd["kind"]')" = decommission ] || fail "run kind"
rig_wait_deployed decommissioning
for _ in $(seq 50); do [ "$(kilnctl -f json run show "$run_id" | jget 'd["ironic_state"]')" = running ] && break; sleep 0.2; done
rig_kernel_params
[ "$(tr ' ' '\n' <<< "$params" | grep -c '^kiln.mode=')" = 1 ] && grep -qw 'kiln.mode=decommission' <<< "$params" ||
  fail "kernel params need exactly one kiln.mode=decommission: $params"
if [ "$case_" = kill9 ]; then
  kill -KILL "$orch_pid"; wait "$orch_pid" 2>/dev/null || true
  echo "orchestrator killed -9 while the node waits for its runner"
  start_orchestrator "$port"
  [ "$(grep -c 'certificates signed with Ed25519 key '"$key_id" "$tmp/orch.log")" = 2 ] ||
    fail "the restarted orchestrator does not sign with the same key"
fi

# The disk: 16 MiB of a marker the wipe must leave no trace of.
python3 -c "import sys; m=b'KILN-DECOM-ORCH-MARKER '; open(sys.argv[1],'wb').write((m*(16*2**20//len(m)+1))[:16*2**20])" "$tmp/disk.img"
loop=$(losetup -f --show "$tmp/disk.img")
set +e
"$bin/kiln-runner" run --config "$tmp/configs" --profile decommission --mode decommission \
  --fru-file "$src/tests/data/fru-po-2026-0042.txt" --disk "$loop" --out "$tmp/run" \
  --orchestrator "$kurl" --token "$ktoken" --node "$knode" --flush-timeout 60 > "$tmp/runner.log" 2>&1
rc=$?
set -e
cat "$tmp/runner.log"
n=$({ grep -a -o 'KILN-DECOM-ORCH-MARKER' "$loop" || true; } | wc -l)
[ "$n" = 0 ] || fail "$loop still holds $n markers after the wipe"
cmp -n $((16 << 20)) "$loop" /dev/zero || fail "$loop is not all zeros"
echo "$loop: no marker left, all zeros (checked with grep and cmp)"

if [ "$case_" = fail ]; then
  [ $rc -eq 1 ] || fail "kiln-runner exited $rc, expected 1 (FAIL)"
  reason=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failures"][0])' "$tmp/run/report.json")
  wait_for 60 'd["maintenance"] and d["provision_state"] == "active"'
  [ "$(node_field 'd["maintenance_reason"]')" = "$reason" ] ||
    fail "maintenance reason '$(node_field 'd["maintenance_reason"]')' != '$reason'"
  [ "$(node_field 'd["retired"]')" = False ] || fail "a failed decommission retired the node"
  [ "$(node_field 'd["extra"]["kiln"]["state"]')" = decommission-failed ] || fail "extra.kiln.state"
  echo "node in maintenance, not retired: $reason"
  kilnctl run show "$run_id"
  echo "orchestrator/Ironic decommission $case_ passed"; exit 0
fi
[ $rc -eq 0 ] || fail "kiln-runner exited $rc"
grep -q "signed by" "$tmp/runner.log" || fail "the runner did not get its certificate signed by the orchestrator"
if [ "$case_" = pass_delete ]; then
  end=$(( $(date +%s) + 90 ))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$ironic_url/v1/nodes/$node")" = 404 ]; do
    [ "$(date +%s)" -lt "$end" ] || fail "the retired node was not deleted from Ironic"
    sleep 0.5
  done
  echo "node $node retired, moved to manageable by kiln and deleted from Ironic"
else
  wait_for 90 'd["provision_state"] == "manageable" and d["target_provision_state"] is None and d["retired"]'
  reason=$(node_field 'd["retired_reason"]')
  echo "Ironic: provision_state manageable, retired, retired_reason: $reason"
  grep -q "^kiln decommission certificate $key_id/$run_id sha256 [0-9a-f]\{64\}$" <<< "$reason" || fail "retired_reason: $reason"
  [ "$(node_field 'd["extra"]["kiln"]["state"] + " " + d["extra"]["kiln"]["run_id"]')" = "decommissioned $run_id" ] || fail "extra.kiln"
  [ "$(node_field '"CUSTOM_KILN_DECOMMISSIONED" in d["traits"] and not d["maintenance"]')" = True ] || fail "trait/maintenance"
fi
[ "$(kilnctl -f json run show "$run_id" | jget 'd["ironic_state"]')" = done ] || fail "the run's driver did not finish"

# The certificate as an operator gets it, checked independently of kiln's own verification.
kilnctl certificate get --run "$run_id" -o "$tmp/cert.json"
kilnctl certificate get --run "$run_id"
kilnctl -f json certificate get --node "$node" > "$tmp/cert-node.json"
kilnctl certificate get --run "$run_id" --html -o "$tmp/cert.html"
grep -q "<h1>Decommission certificate" "$tmp/cert.html" || fail "HTML page"
# The served document conforms to the schema and is the one the runner was given and kept.
python3 "$it/validate_json.py" "$src/results-schema/certificate.schema.json" "$tmp/cert.json"
python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(a != b)' \
  "$tmp/cert.json" "$tmp/run/certificate.json" || fail "the runner's certificate.json differs from the served one"
python3 - "$tmp/cert.json" "$tmp/cert-node.json" "$loop" "$run_id" "${reason:-}" <<'PY'
import hashlib, json, sys
doc = json.load(open(sys.argv[1])); body = doc["certificate"]
assert json.load(open(sys.argv[2])) == doc, "node's latest certificate differs from the run's"
assert body["verdict"] == "PASS" and body["run_id"] == sys.argv[4], (body["verdict"], body["run_id"])
assert body["operator"] == "Olga Ops", body["operator"]  # from `kilnctl decommission start --operator`
disk = [d for d in body["disks"] if d["device"] == sys.argv[3]][0]
assert disk["verification"]["result"] == "PASS", disk
canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
if sys.argv[5]:
    assert sys.argv[5].endswith(hashlib.sha256(canon).hexdigest()), "retired_reason sha256 != certificate body"
print("certificate:", body["verdict"], disk["device"], disk["method"], "signed by", doc["signature"]["key_id"])
PY
"$bin/kilnctl" certificate verify "$tmp/cert.json" --orchestrator "$url" | tee "$tmp/verify.txt"
grep -q "^VALID: .*key $key_id" "$tmp/verify.txt" || fail "verify output"
sed 's/"verdict": "PASS"/"verdict": "PASs"/' "$tmp/cert.json" > "$tmp/tampered.json"
cmp -s "$tmp/cert.json" "$tmp/tampered.json" && fail "the tampering changed nothing"
set +e
"$bin/kilnctl" certificate verify "$tmp/tampered.json" --orchestrator "$url"; rc_tampered=$?
"$bin/kilnctl" -f json certificate verify "$tmp/tampered.json" --orchestrator "$url" > "$tmp/verify.json"
set -e
[ $rc_tampered = 1 ] || fail "a tampered certificate must exit 1, got $rc_tampered"
[ "$(jget 'd["result"]' < "$tmp/verify.json")" = INVALID ] || fail "json verify output"
kilnctl run show "$run_id"
echo "orchestrator/Ironic decommission $case_ passed"
