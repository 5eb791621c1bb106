#!/usr/bin/env bash
# The burn-in stages with real tools on real loop devices (needs root).
#   stages_quick_test.sh RUNNER SOURCE_DIR quick    the quick profile on two blank loop
#                                                   devices: every stage COMPLETE
#   stages_quick_test.sh RUNNER SOURCE_DIR refusal  a loop device holding ext4 with data is
#                                                   refused (disk and disk-perf ERROR), mounted
#                                                   or not, and its bytes are unchanged
set -euo pipefail
runner=$1; src=$2; mode=$3
fru="$src/tests/data/fru-po-2026-0042.txt"

tmp=$(mktemp -d /tmp/kiln-stages.XXXXXX)
loops=()
cleanup() {
  mountpoint -q "$tmp/mnt" 2>/dev/null && umount "$tmp/mnt"
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

new_loop() {  # new_loop FILE SIZE -> prints /dev/loopN
  truncate -s "$2" "$1"
  losetup -f --show "$1"
}
if [ "$(id -u)" != 0 ] || ! l=$(new_loop "$tmp/probe.img" 1M 2>/dev/null); then
  echo "SKIP: cannot create loop devices (needs root and /dev/loop-control)"
  exit 77
fi
losetup -d "$l"

case "$mode" in
quick)
  a=$(new_loop "$tmp/a.img" 256M); loops+=("$a")
  b=$(new_loop "$tmp/b.img" 256M); loops+=("$b")
  set +e
  "$runner" run --config "$src/configs" --profile quick --i-know-this-wipes --disk "$a" --disk "$b" \
    --fru-file "$fru" --out "$tmp/out" > "$tmp/stdout" 2>&1
  rc=$?
  set -e
  cat "$tmp/stdout"
  [ "$rc" = 0 ] || { echo "FAIL: kiln-runner exited $rc"; exit 1; }
  /usr/bin/python3 - "$tmp/out/report.json" "$a" "$b" <<'PY'
import json, sys
report, disks = json.load(open(sys.argv[1])), sys.argv[2:]
stages = {s["name"]: s for s in report["stages"]}
for name in ("inventory", "memory", "cpu", "disk", "disk-perf"):
    assert name in stages, f"stage {name} missing from the report: {list(stages)}"
for s in report["stages"]:
    assert s["status"] == "COMPLETE", f"{s['name']}: {s['status']} {s.get('errors')} {s.get('skip_reason')}"
    print(f"{s['name']:12} {s['verdict']:5} {s['duration_s']:6.1f} s")
def measured(stage, name):
    return [m for m in stages[stage]["measurements"] if m["name"] == name]
bb = measured("disk", "bad_blocks")
# A loop device has no serial: the runner names it by its backing file (a.img, b.img).
assert sorted(m["component"] for m in bb) == sorted(
    f"disk {img} ({d})" for img, d in zip(("a.img", "b.img"), disks)), bb
assert all(m["hardware"]["partNumber"] == "loop device" for m in bb), bb
assert all(m["value"] == 0 for m in bb), bb
for job in ("seq_read_bandwidth", "rand_read_iops", "seq_write_bandwidth", "rand_write_iops"):
    got = measured("disk-perf", job)
    assert len(got) == 2 and all(m["value"] > 0 for m in got), (job, got)
tested = measured("memory", "memory_tested")
assert tested and tested[0]["value"] > 0, tested
assert measured("cpu", "cpu_frequency_mean"), stages["cpu"]["measurements"]
print("quick profile on two loop devices: every stage COMPLETE")
PY
  ;;
refusal)
  mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries" "$tmp/mnt"
  cp "$src/configs/deliveries/po-2026-0042.yaml" "$tmp/configs/deliveries/"
  write_profile() {
    cat > "$tmp/configs/profiles/quick.yaml" <<YAML
profile: quick
stages:
  - stage: disk
    params: {mode: write, allow_signatures: $1, timeout: 2m}
  - stage: disk-perf
    params: {runtime: 1s, write: true, allow_signatures: $1, size: 16M}
YAML
  }
  judge() {  # judge OUT_DIR DEVICE EXPECTED_REASON
    /usr/bin/python3 - "$1/report.json" "$2" "$3" <<'PY'
import json, sys
report, dev, reason = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
stages = {s["name"]: s for s in report["stages"]}
for name, what in (("disk", "badblocks -w"), ("disk-perf", "fio write jobs")):
    s = stages[name]
    assert s["status"] == "ERROR", f"{name}: {s['status']}"
    msgs = " | ".join(e["message"] for e in s["errors"])
    assert f"refusing {what}" in msgs and f"on {dev}:" in msgs and reason in msgs, f"{name}: {msgs}"
    print(f"{name}: ERROR: {msgs}")
PY
  }
  refused_run() {  # refused_run N WHAT EXPECTED_REASON: the run on $dev ends ERROR (exit 2), both stages refusing
    local rc=0
    "$runner" run --config "$tmp/configs" --i-know-this-wipes --disk "$dev" --fru-file "$fru" --out "$tmp/out$1" \
      > "$tmp/stdout$1" 2>&1 || rc=$?
    cat "$tmp/stdout$1"
    [ "$rc" = 2 ] || { echo "FAIL: $2 must end the run ERROR (exit 2), got $rc"; exit 1; }
    judge "$tmp/out$1" "$dev" "$3"
  }
  dev=$(new_loop "$tmp/fs.img" 64M); loops+=("$dev")
  mkfs.ext4 -q "$dev"
  mount "$dev" "$tmp/mnt"
  head -c 1M /dev/urandom > "$tmp/mnt/known-data"
  sum_file=$(sha256sum "$tmp/mnt/known-data" | cut -d' ' -f1)
  umount "$tmp/mnt"
  sum_dev=$(sha256sum "$dev" | cut -d' ' -f1)

  # A filesystem signature: refused.
  write_profile false
  refused_run 1 "a refused disk" "filesystem signature ext4"
  [ "$(sha256sum "$dev" | cut -d' ' -f1)" = "$sum_dev" ] || { echo "FAIL: $dev was written to"; exit 1; }

  # Mounted (read-only, no journal replay: mounting must not change the bytes
  # compared below): refused even when signatures are allowed.
  mount -o ro,noload "$dev" "$tmp/mnt"
  write_profile true
  refused_run 2 "a mounted disk" "mounted on $tmp/mnt"
  [ "$(sha256sum "$tmp/mnt/known-data" | cut -d' ' -f1)" = "$sum_file" ] || { echo "FAIL: data changed"; exit 1; }
  umount "$tmp/mnt"
  [ "$(sha256sum "$dev" | cut -d' ' -f1)" = "$sum_dev" ] || { echo "FAIL: $dev was written to"; exit 1; }
  echo "refusals: $dev untouched (sha256 $sum_dev)"
  ;;
*)
  echo "usage: $0 RUNNER SOURCE_DIR quick|refusal"; exit 2 ;;
esac
