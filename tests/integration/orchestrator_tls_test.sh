#!/usr/bin/env bash
# kiln-orchestrator over TLS: a throw-away CA and a server certificate for
# 127.0.0.1 made here with openssl; kilnctl and the real kiln-runner talk
# https:// with --ca. A wrong CA, a name the certificate does not carry and a
# plain http:// client are refused with a clear message.
#   orchestrator_tls_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1; src=$2
command -v openssl >/dev/null || { echo "SKIP: openssl not installed"; exit 77; }
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-tls-test

# A CA, a server certificate for IP 127.0.0.1 signed by it, and an unrelated CA.
rig_tls_certificates

mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
printf 'delivery: PO-2026-0042\nprofile: burnin\n' > "$tmp/configs/deliveries/po.yaml"
printf 'profile: burnin\nstages:\n  - stage: inventory\n' > "$tmp/configs/profiles/burnin.yaml"
rig_write_config "tls:
  cert: $tmp/server.pem
  key: $tmp/server.key"
start_orchestrator
url=https://127.0.0.1:$port
grep -q "listening on https://" "$tmp/orch.log" || fail "the orchestrator does not say https"

# Operator over TLS with the right CA.
node=tls-node-0001
out=$(kilnctl --ca "$tmp/ca.pem" -f json burnin start --node "$node") || fail "burnin start over TLS: $out"
token=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["runs"][0]["token"])' "$out")

# A wrong CA, a name the certificate does not carry, plain http: refused, clearly.
set +e
msg=$(kilnctl --ca "$tmp/wrong-ca.pem" node list 2>&1); rc=$?
set -e
[ $rc -ne 0 ] || fail "kilnctl with the wrong CA succeeded"
grep -q "did not verify against CA file $tmp/wrong-ca.pem" <<< "$msg" || fail "unclear wrong-CA message: $msg"
echo "wrong CA refused: $msg"
set +e
msg=$("$bin/kilnctl" --url "https://localhost:$port" --token "$OP" --ca "$tmp/ca.pem" node list 2>&1); rc=$?
set -e
[ $rc -ne 0 ] && grep -q "did not verify" <<< "$msg" || fail "a name not in the certificate was accepted: $msg"
echo "wrong name refused: $msg"
set +e
msg=$("$bin/kilnctl" --url "http://127.0.0.1:$port" --token "$OP" node list 2>&1); rc=$?
set -e
[ $rc -ne 0 ] || fail "plain http:// to the TLS port was answered"

# The runner streams and reports over TLS.
"$bin/kiln-runner" run --config "$tmp/configs" --profile burnin --fru-file "$src/tests/data/fru-po-2026-0042.txt" \
  --out "$tmp/run" --orchestrator "$url" --ca "$tmp/ca.pem" --token "$token" --node "$node" \
  --flush-timeout 60 > "$tmp/runner.log" 2>&1 || { cat "$tmp/runner.log"; fail "kiln-runner over TLS failed"; }
grep -q "kiln-runner: error" "$tmp/runner.log" && { cat "$tmp/runner.log"; fail "the runner reported an error"; }
run_json=$(kilnctl --ca "$tmp/ca.pem" -f json run list)
python3 - "$run_json" "$tmp/run/ocptv.jsonl" <<'EOF' || fail "the run did not arrive whole over TLS"
import json, sys
run = json.loads(sys.argv[1])["runs"][-1]
lines = sum(1 for _ in open(sys.argv[2]))
assert run["state"] == "reported" and run["verdict"] == "PASS", run
assert run["artifacts"] == lines, (run["artifacts"], lines)
print(f"run {run['id']}: {run['verdict']}, {lines} artifacts over TLS")
EOF

# The runner with the wrong CA: the run goes on locally, the reason is printed.
out=$(kilnctl --ca "$tmp/ca.pem" -f json burnin start --node tls-node-0002)
token2=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["runs"][0]["token"])' "$out")
set +e
"$bin/kiln-runner" run --config "$tmp/configs" --profile burnin --fru-file "$src/tests/data/fru-po-2026-0042.txt" \
  --out "$tmp/run2" --orchestrator "$url" --ca "$tmp/wrong-ca.pem" --token "$token2" --node tls-node-0002 \
  --flush-timeout 3 > "$tmp/runner2.log" 2>&1
set -e
grep -q "did not verify against CA file $tmp/wrong-ca.pem" "$tmp/runner2.log" || { cat "$tmp/runner2.log"; fail "no clear TLS message from the runner"; }
[ -s "$tmp/run2/report.json" ] || fail "the run did not go on locally"
grep "did not verify" "$tmp/runner2.log" | head -1
echo "orchestrator TLS passed"
