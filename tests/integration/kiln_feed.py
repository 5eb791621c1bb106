"""kiln_feed: plays the runner's side of the API against a real kiln-orchestrator, from a real
kiln-runner run's files (ocptv.jsonl, report.json): start a burn-in, register as a node of a
delivery, stream the OCPTV lines in batches, post the report (its scores scaled as a batch
differs; --report-only: no stream, as a delivery analysis needs only the report). Used by the
dashboard, metrics and delivery (summary, report, outliers) integration tests.

  python3 kiln_feed.py URL OPERATOR_TOKEN RUN_DIR NODE SERIAL DELIVERY [--factor F] [--batches N]
                       [--stream-only | --report-only] [--pause S] [--follow-directive] [--fail-disk]
prints the run id; --follow-directive: after each batch the runner's directive is read, as the
runner does, and an abort stops the stream ("directive abort" printed); a stream sent, it goes
on asking for 120 s; --fail-disk: the report
says FAIL with a failed disk (a disk-health stage whose limit broke, its diagnosis and remedy),
what the runner's disk stage reports without the root and loop devices it needs here."""
import argparse
import json
import sys
import time
import urllib.request


def call(url, path, token, body=None, method=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method or ("POST" if data else "GET"),
                                 headers={"Authorization": "Bearer " + token,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as answer:
        return json.load(answer)


def register(url, token, node, serial, delivery, boot_id=None):
    body = {"node": {"ironic_uuid": node, "asset_tag": delivery, "serial": serial}}
    if boot_id:
        body["boot_id"] = boot_id
    return call(url, "/v1/runs/register", token, body)


def start(url, op, node, serial, delivery, boot_id=None):
    started = call(url, "/v1/burnins", op, {"nodes": [node]})["runs"][0]
    register(url, started["token"], node, serial, delivery, boot_id)
    return started["run_id"], started["token"]


def stream(url, run, token, lines, batches, pause=0.0, follow=False):
    """Posts `lines` (OCPTV text) in `batches` batches; False when a directive said abort."""
    size = max(1, -(-len(lines) // batches))
    for at in range(0, len(lines), size):
        call(url, f"/v1/runs/{run}/artifacts", token, {"artifacts": lines[at:at + size]})
        if follow and call(url, f"/v1/runs/{run}/directive", token)["action"] == "abort":
            return False
        if pause:
            time.sleep(pause)
    # A runner whose stream is sent keeps burning in and asking (here up to 120 s).
    for _ in range(240 if follow else 0):
        if call(url, f"/v1/runs/{run}/directive", token)["action"] == "abort":
            return False
        time.sleep(0.5)
    return True


def fail_disk(report):
    report["verdict"] = report["status"] = "FAIL"
    report["result"] = "FAIL"
    message = "disk /dev/sdb: 812 reallocated sectors, the limit is 10: replace the disk"
    stage = dict(report["stages"][-1])
    stage.update(name="disk-health", verdict="FAIL", result="FAIL", errors=[], key_figures=[],
                 measurements=[{"name": "reallocated_sectors", "value": 812, "unit": "",
                                "component": "disk /dev/sdb",
                                "limits": [{"name": "limits.disk.max_reallocated_sectors",
                                            "comparison": "LESS_THAN_OR_EQUAL", "threshold": 10,
                                            "passed": False}]}],
                 diagnoses=[{"verdict": "disk-reallocated-sectors", "type": "FAIL",
                             "message": message, "component": "disk /dev/sdb"}])
    report["stages"].append(stage)
    report["failures"] = [message]
    return report


def with_bios(report, version):
    """The firmware an inventory stage records (results-schema/report.schema.json#/$defs/firmware),
    with this BIOS version; the benchmark-only run the tests feed has no inventory stage."""
    report["firmware"] = {
        "bios": {"vendor": "Dell Inc.", "version": version, "release_date": "04/09/2020", "revision": "2.6"},
        "bmc": None, "cpu_microcode": "0x5003006", "cpu_microcode_mixed": False,
        "disks": [], "nics": [], "storage_controllers": [], "dimms": [],
        "errors": {"bmc": "Could not open device at /dev/ipmi0"}, "requirements": []}
    return report


def scaled_report(path, factor):
    report = json.load(open(path))
    for stage in report["stages"]:
        for m in stage.get("measurements", []):
            if m["name"] in ("score", "workload_score"):
                m["value"] *= factor
    return report


def main():
    p = argparse.ArgumentParser()
    for name in ("url", "op", "run_dir", "node", "serial", "delivery"):
        p.add_argument(name)
    p.add_argument("--factor", type=float, default=1.0)
    p.add_argument("--batches", type=int, default=3)
    p.add_argument("--pause", type=float, default=0.0)
    only = p.add_mutually_exclusive_group()
    only.add_argument("--stream-only", action="store_true")
    only.add_argument("--report-only", action="store_true")
    p.add_argument("--follow-directive", action="store_true")
    p.add_argument("--fail-disk", action="store_true")
    p.add_argument("--bios", help="report this BIOS version in the report's firmware")
    p.add_argument("--reboot", action="store_true",
                   help="after the stream, register again from another boot (an unexpected reboot)")
    a = p.parse_args()
    run, token = start(a.url, a.op, a.node, a.serial, a.delivery, "feed-boot-1" if a.reboot else None)
    print(run, flush=True)
    lines = [] if a.report_only else [
        l for l in open(f"{a.run_dir}/ocptv.jsonl").read().splitlines() if l.strip()]
    if lines and not stream(a.url, run, token, lines, a.batches, a.pause, a.follow_directive):
        print("directive abort", flush=True)
        return 0
    if a.reboot:
        answer = register(a.url, token, a.node, a.serial, a.delivery, "feed-boot-2")
        assert answer.get("resume", {}).get("kind") == "unexpected_reboot", answer
    if not a.stream_only:
        report = scaled_report(f"{a.run_dir}/report.json", a.factor)
        if a.fail_disk:
            report = fail_disk(report)
        if a.bios:
            report = with_bios(report, a.bios)
        answer = call(a.url, f"/v1/runs/{run}/report", token, report)
        assert answer["stored"], answer
    return 0


if __name__ == "__main__":
    sys.exit(main())
