#!/usr/bin/env bash
# The dashboard in a real headless Chromium (Debian chromium, chromium-driver, python3-selenium)
# against the real orchestrator fed a real kiln-runner run for a delivery of eight nodes: six
# reported (one 12 % slow: an outlier; one on an older BIOS: a systematic finding), one with a
# failed disk, two streaming live. The browser
# logs in, sees the deliveries, the grid and its progress moving, the outlier highlighted in the
# strip plot and opening its node, aborts a run (the runner's directive says abort), rides out an
# orchestrator restart, and a viewer token sees everything but cannot abort. The pages move by the
# long poll alone (?poll=60000: no timed refresh inside the test's waits). The operator starts a
# burn-in and a decommission from the pages behind their confirmations, and opens the signed report. Screenshots go to
# SHOT_DIR (the test's artifacts).
#   dashboard_test.sh BIN_DIR SOURCE_DIR SHOT_DIR
set -euo pipefail
bin=$1; src=$2; shots=$3
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-dashboard-it
for tool in curl python3 chromium chromedriver; do
  command -v $tool >/dev/null || { echo "SKIP: $tool missing (Debian chromium, chromium-driver)"; exit 77; }
done
py=python3  # Debian's python3-selenium lives in /usr/bin/python3's dist-packages
python3 -c 'import selenium' 2>/dev/null || py=/usr/bin/python3
$py -c 'import selenium' 2>/dev/null || { echo "SKIP: python3-selenium missing"; exit 77; }
feed="python3 $src/tests/integration/kiln_feed.py"
VIEW=kiln-it-viewer-token-0123456789

rig_benchmark_report
rig_write_config --no-config-dir "viewer_tokens: [$VIEW]
ui_dir: $src/orchestrator/ui
certificate_key: $tmp/signing.key"
start_orchestrator
rig_on_exit 'kill $(jobs -p) 2>/dev/null'
rig_on_exit '[ -s "$tmp/orch2.pid" ] && kill $(cat "$tmp/orch2.pid")'

factors=(1.0 1.012 0.991 1.004 0.996 0.88)
bios=(2.17.1 2.17.1 2.12.0 2.17.1 2.17.1 2.17.1)
for i in 0 1 2 3 4 5; do
  $feed "$url" "$OP" "$tmp/run" "node-$i" "S-$i" PO-2026-0042 --factor "${factors[$i]}" --bios "${bios[$i]}" > /dev/null
done
$feed "$url" "$OP" "$tmp/run" node-f S-F PO-2026-0042 --fail-disk > /dev/null
# Two runs still burning in: registered, the first lines streamed.
head -n 8 "$tmp/run/ocptv.jsonl" > "$tmp/head.jsonl"
mkdir -p "$tmp/head" && cp "$tmp/head.jsonl" "$tmp/head/ocptv.jsonl"
# node-6 went down once in its stage and its next boot registered again (docs/reboots.md).
$feed "$url" "$OP" "$tmp/head" node-6 S-6 PO-2026-0042 --stream-only --reboot > /dev/null

rm -rf "$shots" && mkdir -p "$shots"
$py "$src/tests/integration/dashboard_browser.py" --url "$url" --op "$OP" --viewer "$VIEW" \
  --run-dir "$tmp/run" --feed "$src/tests/integration/kiln_feed.py" --shots "$shots" --tmp "$tmp" \
  --orchestrator "$bin/kiln-orchestrator" --config "$tmp/orchestrator.yaml" --pid "$orch_pid" --port "$port" ||
  fail "the dashboard in Chromium"
orch_pid=""  # the browser test restarted it: $tmp/orch2.pid
echo "dashboard passed; screenshots in $shots: $(ls "$shots" | tr '\n' ' ')"
