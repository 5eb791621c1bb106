#!/usr/bin/env bash
# kilnctl's exit codes and --ca everywhere, against the real kiln-orchestrator:
#   0 success, 1 the orchestrator refused (its message printed),
#   2 usage or connection/TLS errors (a clear message naming the cause).
# A closed port, a TLS server checked against the wrong CA and plain http to
# the TLS port are exit 2; a wrong operator token is exit 1. `certificate get`
# and `certificate verify --orchestrator` take the same --ca (before or after
# the subcommand) and fail with exit 2 and the TLS reason without it.
#   kilnctl_errors_test.sh BIN_DIR
set -euo pipefail
bin=$1
for tool in openssl python3; do command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }; done
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-kilnctl-errors
# expect RC PATTERN CMD...: CMD exits RC and its stderr matches PATTERN (- : anything).
expect() {
  local want=$1 pattern=$2 rc=0; shift 2
  "$@" > "$tmp/out" 2> "$tmp/err" || rc=$?
  [ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want: $(cat "$tmp/err")"
  [ "$pattern" = - ] || grep -Eq "$pattern" "$tmp/err" || fail "'$*': message does not match '$pattern': $(cat "$tmp/err")"
  echo "exit $rc as documented: $(head -1 "$tmp/err")"
}

# 1. Nothing listens: a connection error, exit 2.
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
expect 2 "kilnctl: error: cannot reach the orchestrator: .*127\.0\.0\.1:$closed.*refused" \
  "$bin/kilnctl" --url "http://127.0.0.1:$closed" --token "$OP" node list
expect 2 "cannot reach the orchestrator" \
  "$bin/kilnctl" --url "http://127.0.0.1:$closed" --token "$OP" delivery show PO-X
expect 2 "cannot reach the orchestrator" \
  "$bin/kilnctl" --url "http://127.0.0.1:$closed" --token "$OP" certificate get --run 1
expect 2 "cannot reach the orchestrator" \
  "$bin/kilnctl" certificate verify /dev/null --orchestrator "http://127.0.0.1:$closed"

# 2. A TLS orchestrator with a certificate key; a CA that signed it and one that did not.
rig_tls_certificates
rig_write_config --no-config-dir "certificate_key: $tmp/cert-key.pem
tls:
  cert: $tmp/server.pem
  key: $tmp/server.key"
start_orchestrator
url=https://127.0.0.1:$port

expect 2 "cannot reach the orchestrator: .*did not verify against CA file $tmp/wrong-ca\.pem" \
  kilnctl --ca "$tmp/wrong-ca.pem" node list
expect 2 "cannot reach the orchestrator" \
  "$bin/kilnctl" --url "http://127.0.0.1:$port" --token "$OP" node list
# A refusal is not a connection error: exit 1 with the orchestrator's message.
expect 1 "HTTP 401" "$bin/kilnctl" --url "$url" --token wrong-token --ca "$tmp/ca.pem" node list
expect 0 - kilnctl --ca "$tmp/ca.pem" node list

# 3. A decommission run with a signed certificate (the runner's two calls made here over https).
out=$(kilnctl --ca "$tmp/ca.pem" -f json decommission start --node cert-node-1 --operator tester) ||
  fail "decommission start: $out"
python3 - "$url" "$tmp/ca.pem" "$out" <<'PY' || fail "posting the certificate body"
import json, ssl, sys, urllib.request
url, cafile, started = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])["runs"][0]
context = ssl.create_default_context(cafile=cafile)
def post(path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + started["token"],
                                          "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, context=context))
post("/v1/runs/register", {"node": {"ironic_uuid": "cert-node-1", "serial": "S-1"}})
signed = post(f"/v1/runs/{started['run_id']}/certificate",
              {"node": {"ironic_uuid": "cert-node-1"}, "disks": [{"device": "/dev/loop9"}],
               "verdict": "PASS", "run_id": str(started["run_id"])})
assert signed["signature"]["algorithm"] == "Ed25519", signed
print("run", started["run_id"], file=open(sys.argv[2] + ".run", "w"))
PY
run_id=$(awk '{print $2}' "$tmp/ca.pem.run")

# certificate get: exit 2 and the TLS reason without --ca; with --ca (before or after) it works.
expect 2 "cannot reach the orchestrator: .*did not verify" kilnctl certificate get --run "$run_id" -o "$tmp/c.json"
[ ! -e "$tmp/c.json" ] || fail "a file was written although nothing was fetched"
expect 0 "certificate written to $tmp/c.json" kilnctl --ca "$tmp/ca.pem" certificate get --run "$run_id" -o "$tmp/c.json"
expect 0 "certificate written to $tmp/n.json" kilnctl certificate get --node cert-node-1 -o "$tmp/n.json" --ca "$tmp/ca.pem"
cmp -s "$tmp/c.json" "$tmp/n.json" || fail "the run's and the node's certificate differ"
kilnctl certificate get --run "$run_id" --html --ca "$tmp/ca.pem" > "$tmp/c.html" || fail "certificate get --html"
grep -q "cert-node-1" "$tmp/c.html" || fail "the HTML page does not name the node"
expect 1 "HTTP 404" kilnctl --ca "$tmp/ca.pem" certificate get --run 999999

# certificate verify --orchestrator: the key fetched over https needs the same --ca.
expect 2 "cannot reach the orchestrator: .*did not verify" \
  "$bin/kilnctl" certificate verify "$tmp/c.json" --orchestrator "$url"
rc=0; "$bin/kilnctl" certificate verify "$tmp/c.json" --orchestrator "$url" --ca "$tmp/ca.pem" > "$tmp/v.txt" 2>&1 || rc=$?
[ $rc -eq 0 ] && grep -q VALID "$tmp/v.txt" || fail "verify with --ca: exit $rc: $(cat "$tmp/v.txt")"
sed 's/cert-node-1/cert-node-2/' "$tmp/c.json" > "$tmp/tampered.json"
rc=0; "$bin/kilnctl" --ca "$tmp/ca.pem" certificate verify "$tmp/tampered.json" --orchestrator "$url" > "$tmp/v.txt" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q INVALID "$tmp/v.txt" || fail "tampered copy: exit $rc: $(cat "$tmp/v.txt")"
echo "kilnctl exit codes and --ca passed"
