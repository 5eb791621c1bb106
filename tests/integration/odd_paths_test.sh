#!/usr/bin/env bash
# The real kiln-orchestrator over HTTP against odd paths and methods (issue
# #18: `GET /v1` with the operator token killed it with SIGSEGV). Each answer
# must be a JSON 4xx, the process must stay up, and a normal call must still
# work afterwards.
#   odd_paths_test.sh BIN_DIR
set -euo pipefail
bin=$1
for tool in curl python3; do command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }; done
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-odd-paths
rig_write_config --no-config-dir
start_orchestrator

long=$(printf 'a%.0s' $(seq 8192))
paths=(/v1 /v1/ /v1// // / /v1/runs/ /v1/runs//report /v1/%00 /v1/runs/%00/report /v1/.. /v1/runs/..
  /v1/runs/../runs "/v1/runs/$long" /v1/runs/register/x /v2 '/v1?x=1' /v1/deliveries/a%20b/summary)
checked=0
for token in "" "Bearer wrong-token" "Bearer $OP"; do
  for path in "${paths[@]}"; do
    for method in GET POST PUT DELETE; do
      code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X "$method" ${token:+-H "Authorization: $token"} \
        --path-as-is "$url$path") || fail "$method $path: no answer (curl exit $?)"
      kill -0 "$orch_pid" 2>/dev/null || fail "kiln-orchestrator died on $method ${path:0:60} (token '${token:0:12}')"
      case $code in 4??) ;; *) fail "$method ${path:0:60}: HTTP $code, expected a 4xx" ;; esac
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "code" in d["error"]' "$tmp/body" ||
        fail "$method ${path:0:60}: the answer is not a JSON error: $(head -c 200 "$tmp/body")"
      checked=$((checked + 1))
    done
  done
done
echo "$checked odd requests: each a JSON 4xx, kiln-orchestrator still running"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $OP" "$url/v1/runs")
[ "$code" = 200 ] || fail "GET /v1/runs after the odd requests: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $OP" -D "$tmp/headers" "$url/v1/runs")
[ "$code" = 405 ] && grep -qi '^Allow: GET' "$tmp/headers" || fail "DELETE /v1/runs: HTTP $code without 'Allow: GET'"
echo "PASS: GET /v1/runs answers 200, DELETE /v1/runs 405 with Allow: GET"
