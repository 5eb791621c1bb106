"""Stores a delivery of N nodes in a running kiln-orchestrator, each node a burn-in run with the
real kiln-runner report given (scores spread by a few percent, every 97th node 12 % slow, every
89th with a failed disk), through the runner's own API calls (kiln_feed.py's), 8 at a time.
  python3 populate.py URL OPERATOR_TOKEN RUN_DIR TAG NODES"""
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration"))
import kiln_feed  # noqa: E402

url, op, run_dir, tag, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])


def one(i):
    node = f"bench-node-{i:05d}"
    run, token = kiln_feed.start(url, op, node, f"BENCH-{i:05d}", tag)
    factor = 0.88 if i % 97 == 5 else 1.0 + ((i * 7919) % 41 - 20) / 1000
    report = kiln_feed.scaled_report(f"{run_dir}/report.json", factor)
    if i % 89 == 3:
        report = kiln_feed.fail_disk(report)
    report = kiln_feed.with_bios(report, "2.12.0" if i % 50 == 7 else "2.17.1")
    assert kiln_feed.call(url, f"/v1/runs/{run}/report", token, report)["stored"]
    return len(str(report))


with concurrent.futures.ThreadPoolExecutor(8) as pool:
    sizes = list(pool.map(one, range(count)))
print(f"stored {count} runs of delivery {tag}, reports of {min(sizes)}-{max(sizes)} bytes")
