#!/usr/bin/env bash
# GET /v1/nodes in keyset pages against the real kiln-orchestrator, and kilnctl following the
# pages: 5,003 nodes (one burn-in start makes their rows) are more than kilnctl's page of 5,000,
# so `kilnctl node list` needs the cursor to show them all, each once, in UUID order. The API's
# default page is 500 with a "next"; a bad limit or cursor is a 400 naming it.
#   kilnctl_paging_test.sh BIN_DIR
set -euo pipefail
bin=$1
for tool in curl python3; do command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }; done
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-kilnctl-paging
rig_write_config --no-config-dir
start_orchestrator

count=5003
python3 -c "import json; print(json.dumps({'nodes': ['node-%05d' % i for i in range($count)]}))" > "$tmp/start.json"
curl -sf -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' --data @"$tmp/start.json" \
  "$url/v1/burnins" > /dev/null || fail "POST /v1/burnins of $count nodes"

first=$(curl -sf -H "Authorization: Bearer $OP" "$url/v1/nodes")
[ "$(jget 'len(d["nodes"]), d["next"]' <<< "$first")" = "(500, 'node-00499')" ] ||
  fail "the default page is not the first 500 nodes with next=node-00499: $(jget 'len(d["nodes"]), d.get("next")' <<< "$first")"
for bad in 'limit=0' 'limit=5001' 'limit=many' 'after=a%2Fb'; do
  code=$(curl -s -o "$tmp/bad" -w '%{http_code}' -H "Authorization: Bearer $OP" "$url/v1/nodes?$bad")
  [ "$code" = 400 ] && grep -q "${bad%%=*}=" "$tmp/bad" || fail "GET /v1/nodes?$bad answered $code: $(cat "$tmp/bad")"
done

kilnctl node list > "$tmp/table" || fail "kilnctl node list"
rows=$(tail -n +2 "$tmp/table" | awk '{print $1}')
[ "$(wc -l <<< "$rows")" -eq "$count" ] || fail "kilnctl node list shows $(wc -l <<< "$rows") nodes, not $count"
[ "$rows" = "$(python3 -c "print('\n'.join('node-%05d' % i for i in range($count)))")" ] ||
  fail "kilnctl node list does not show every node once in UUID order"
kilnctl --format json node list > "$tmp/json" || fail "kilnctl --format json node list"
[ "$(jget 'len(d["nodes"]), "next" in d, d["nodes"][-1]["latest_run"]["state"]' < "$tmp/json")" = "($count, False, 'started')" ] ||
  fail "kilnctl's JSON is not one list of every node with its run: $(jget 'len(d["nodes"]), "next" in d' < "$tmp/json")"
echo "kilnctl node list: $count nodes over two pages of 5,000; the API's pages of 500 and its 400s as documented"
