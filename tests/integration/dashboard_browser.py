"""The dashboard in a real headless Chromium (selenium + chromedriver) against a real
kiln-orchestrator; driven by dashboard_test.sh, which made the delivery. Exits non-zero with
the step that failed; every step leaves a screenshot in --shots."""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                        TimeoutException)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

a = argparse.ArgumentParser()
for name in ("url", "op", "viewer", "run-dir", "feed", "shots", "tmp", "orchestrator", "config",
             "pid", "port"):
    a.add_argument("--" + name, required=True)
args = a.parse_args()
DELIVERY = "PO-2026-0042"


def api(path, token, body=None):
    req = urllib.request.Request(args.url + path, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=10) as answer:
        return json.load(answer)


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--window-size=1400,1000",
                 "--user-data-dir=" + tempfile.mkdtemp(prefix="chromium-", dir=args.tmp)):
        o.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


d = browser()
wait = WebDriverWait(d, 20)
step_no = [0]


def shot(name):
    step_no[0] += 1
    d.save_screenshot(os.path.join(args.shots, f"{step_no[0]:02d}-{name}.png"))


def check(ok, what):
    if not ok:
        shot("FAILED")
        print(f"FAIL: {what}", file=sys.stderr)
        print(f"page {d.current_url}: {d.find_element(By.TAG_NAME, 'body').text[:2000]}", file=sys.stderr)
        d.quit()
        sys.exit(1)
    print(f"ok: {what}")


def settled(read):
    """read() again while the page re-rendered what it held (every poll replaces the nodes)."""
    for _ in range(20):
        try:
            return read()
        except StaleElementReferenceException:
            time.sleep(0.1)
    return read()


def until(condition, what, timeout=20):
    def attempt(_):
        try:
            return condition()
        except (StaleElementReferenceException, NoSuchElementException):
            return False
    try:
        WebDriverWait(d, timeout).until(attempt)
    except TimeoutException:
        check(False, what)
    check(True, what)


def fetch_status(path, method="POST", csrf=True):
    """A fetch from the page, with its cookie (and the session's CSRF token unless csrf=False)."""
    return d.execute_async_script("""
      const [path, method, csrf, done] = arguments;
      const headers = csrf && kiln.session ? {"X-Kiln-CSRF": kiln.session.csrf} : {};
      fetch(path, {method, headers, credentials: "same-origin"}).then(r => done(r.status), e => done(String(e)));
    """, path, method, csrf)


def login(token):
    d.get(args.url + "/ui/")
    wait.until(ec.url_contains("/ui/login.html"))
    box = d.find_element(By.ID, "token")
    box.clear()
    box.send_keys(token)
    d.find_element(By.ID, "login").click()


try:
    # Not logged in: the dashboard sends the browser to the form; a wrong token is refused.
    login("not-a-token-of-this-orchestrator")
    until(lambda: d.find_element(By.ID, "failed").is_displayed(), "a wrong token is refused")
    shot("login-refused")
    login(args.op)
    until(lambda: d.find_elements(By.CSS_SELECTOR, f'tr[data-delivery="{DELIVERY}"]'), "deliveries list the delivery")
    row = settled(lambda: d.find_element(By.CSS_SELECTOR, f'tr[data-delivery="{DELIVERY}"]').text)
    check("PO-2026-0042 8 6 1 0 1" in row, f"delivery counts 8 nodes, 6 passed, 1 failed, 1 running: {row!r}")
    check("7 of 8 done, about" in row and "to go at this pace" in row, f"the delivery's ETA: {row!r}")
    check("1 node(s) lag their batch" in row, "the outlier is a finding of the delivery")
    check("1 systematic firmware finding(s)" in row, f"the older BIOS is a systematic finding: {row!r}")
    cookie = d.get_cookie("kiln_session")
    check(cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Strict",
          f"the session cookie is HttpOnly and SameSite=Strict: {cookie}")
    check(d.execute_script("return document.cookie").find("kiln_session") < 0, "scripts cannot read the cookie")
    shot("deliveries")

    # The delivery: its grid, the failed disk, the outlier.
    d.get(f"{args.url}/ui/delivery.html?tag={DELIVERY}&poll=1000")
    until(lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .tile")) == 8, "the grid shows the 8 nodes")
    states = settled(lambda: {t.get_attribute("data-node"): t.get_attribute("data-state")
                              for t in d.find_elements(By.CSS_SELECTOR, "#grid .tile")})
    check(states["node-f"] == "fail" and states["node-6"] == "running" and states["node-0"] == "pass",
          f"traffic lights: {states}")
    failed = settled(lambda: d.find_element(By.CSS_SELECTOR, '.tile[data-node="node-f"]').text)
    check("reallocated sectors" in failed, f"the failed node's tile shows its first failure: {failed!r}")
    outlier_tiles = settled(lambda: [t.get_attribute("data-node")
                                     for t in d.find_elements(By.CSS_SELECTOR, "#grid .tile.outlier")])
    check(outlier_tiles == ["node-5"], f"only node-5's tile is marked outlier: {outlier_tiles}")
    points = d.find_elements(By.CSS_SELECTOR, 'svg.strip circle.outlier[data-node="node-5"]')
    check(len(points) >= 1, "node-5 is highlighted in a strip plot")
    others = d.find_elements(By.CSS_SELECTOR, "svg.strip circle.outlier:not([data-node=\"node-5\"])")
    check(not others, "no other point is highlighted")
    check(d.find_elements(By.CSS_SELECTOR, "svg.strip line.tender"), "the tender line is drawn")
    bios = settled(lambda: d.find_element(By.CSS_SELECTOR, '#firmware tr[data-firmware="bios"]').text)
    check("2.17.1: 5 nodes" in bios and "2.12.0: 1 node" in bios, f"the BIOS distribution: {bios!r}")
    flagged = settled(lambda: [t.get_attribute("data-node") for t in d.find_elements(By.CSS_SELECTOR, "#grid .tile")
                               if t.find_elements(By.CSS_SELECTOR, '[data-flag="firmware"]')])
    check(flagged == ["node-2"], f"only node-2's tile is flagged for its firmware: {flagged}")
    systematic = settled(lambda: d.find_element(By.CSS_SELECTOR, '#findings [data-finding="firmware"]').text)
    check("2.12.0" in systematic and "S-2" in systematic, f"the systematic finding names the value and node: {systematic!r}")
    shot("delivery-firmware")

    # The grid in pages (?limit=5 here, 500 by default): the first five nodes in UUID order, then
    # "next" to the other three, "first" back; the counts stay the whole delivery's.
    d.get(f"{args.url}/ui/delivery.html?tag={DELIVERY}&poll=1000&limit=5")
    tiles = lambda: [t.get_attribute("data-node") for t in d.find_elements(By.CSS_SELECTOR, "#grid .tile")]
    until(lambda: len(tiles()) == 5, "the first page shows 5 tiles")
    first_page = settled(tiles)
    check(first_page == ["node-0", "node-1", "node-2", "node-3", "node-4"], f"the first page: {first_page}")
    check(settled(lambda: d.find_element(By.ID, "page-range").text) == "nodes 1–5 of 8",
          f"the range: {d.find_element(By.ID, 'page-range').text!r}")
    check("8 nodes" in d.find_element(By.ID, "counts").text, "the counts are the whole delivery's")
    settled(lambda: d.find_element(By.ID, "page-next").click())
    until(lambda: tiles() == ["node-5", "node-6", "node-f"], "next shows the other three nodes")
    check(settled(lambda: d.find_element(By.ID, "page-range").text) == "nodes 6–8 of 8",
          f"the second range: {d.find_element(By.ID, 'page-range').text!r}")
    check(not d.find_elements(By.ID, "page-next"), "no next after the last page")
    pager = settled(lambda: d.find_element(By.ID, "pager").text)
    check(pager == "nodes 6–8 of 8 « first", f"the pager of the last page: {pager!r}")
    shot("delivery-page-2")
    settled(lambda: d.find_element(By.ID, "page-first").click())
    until(lambda: len(tiles()) == 5 and tiles()[0] == "node-0", "first goes back to the first page")

    # The signed delivery report, from the page's link.
    report_url = d.find_element(By.ID, "report-html").get_attribute("href")
    d.get(report_url)
    until(lambda: "Delivery report PO-2026-0042" in d.find_element(By.TAG_NAME, "body").text, "the report link opens the signed report")
    shot("delivery-report")

    # Live: a runner streams while the page is open; node-7 appears and its progress moves. The page
    # refreshes on the long poll's answers only (poll=60000: its timed retry never falls in here).
    d.get(f"{args.url}/ui/delivery.html?tag={DELIVERY}&poll=60000")
    until(lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .tile")) == 8, "the delivery page again")
    feeder = subprocess.Popen([sys.executable, args.feed, args.url, args.op, args.run_dir, "node-7", "S-7",
                               DELIVERY, "--batches", "42", "--pause", "1.0", "--follow-directive",
                               "--stream-only"], stdout=subprocess.PIPE, text=True)
    run7 = feeder.stdout.readline().strip()
    seen = []

    def progress_of_7():
        tiles = d.find_elements(By.CSS_SELECTOR, '.tile[data-node="node-7"] .pct')
        if tiles:
            value = int(tiles[0].text.split()[0])
            if not seen or seen[-1] != value:
                seen.append(value)
        return len(seen) >= 3 and seen[-1] > seen[0]
    until(progress_of_7, "node-7's progress moves in the grid without a reload", timeout=30)
    check(seen == sorted(seen), f"progress only rises: {seen}")
    shot("delivery-live")

    # The outlier's point opens its node.
    settled(lambda: d.find_element(By.CSS_SELECTOR, 'svg.strip circle.outlier[data-node="node-5"]').click())
    until(lambda: "node.html?node=node-5" in d.current_url, "a click on the outlier opens node-5")
    until(lambda: len(d.find_elements(By.CSS_SELECTOR, "#measurements tbody tr")) > 3, "node-5's measurements")
    check("PASS" in settled(lambda: d.find_element(By.ID, "stages").text), "node-5's stages and verdicts")
    shot("node-outlier")

    d.get(f"{args.url}/ui/node.html?node=node-f")
    until(lambda: "replace the disk" in d.find_element(By.ID, "stages").text, "the failed disk's diagnosis and remedy")
    check("FAIL" in settled(lambda: d.find_element(By.ID, "measurements").text), "the broken limit's verdict")
    shot("node-failed-disk")

    # CSRF: a POST of the session without its token is refused.
    check(fetch_status(f"/v1/runs/{run7}/abort", csrf=False) == 403, "a POST without X-Kiln-CSRF is refused")

    # Abort from the UI, with confirmation; the runner's directive says abort.
    d.get(f"{args.url}/ui/node.html?node=node-7&poll=1000")
    until(lambda: d.find_element(By.ID, "abort").is_displayed(), "the operator sees the abort button")
    d.find_element(By.ID, "abort").click()
    d.switch_to.alert.dismiss()  # the confirmation: no
    time.sleep(1.5)
    check(api(f"/v1/runs/{run7}", args.op)["directive"] == "continue", "a dismissed confirmation aborts nothing")
    d.find_element(By.ID, "abort").click()
    d.switch_to.alert.accept()
    until(lambda: "abort sent" in d.find_element(By.ID, "action").text, "the abort is acknowledged")
    out, _ = feeder.communicate(timeout=30)
    check("directive abort" in out, f"the runner read the abort directive: {out!r}")
    shot("node-aborted")

    # The failed node: a new burn-in from its page (after the disk was replaced), behind a confirmation.
    runf = api("/v1/nodes/node-f", args.op)["latest_run"]["id"]
    d.get(f"{args.url}/ui/node.html?node=node-f&poll=60000")
    until(lambda: d.find_element(By.ID, "start-burnin").is_displayed(), "the operator may start a burn-in of a finished node")
    check(not d.find_element(By.ID, "abort").is_displayed(), "no abort for a finished run")
    d.find_element(By.ID, "start-burnin").click()
    d.switch_to.alert.dismiss()
    time.sleep(1)
    check(api("/v1/nodes/node-f", args.op)["latest_run"]["id"] == runf, "a dismissed confirmation starts nothing")
    d.find_element(By.ID, "start-burnin").click()
    d.switch_to.alert.accept()
    until(lambda: "burn-in started: run" in d.find_element(By.ID, "action").text, "the burn-in is started")
    newf = api("/v1/nodes/node-f", args.op)["latest_run"]
    check(newf["id"] != runf and newf["kind"] == "burnin", f"node-f has a new burn-in run: {newf['id']}")
    until(lambda: d.find_element(By.CSS_SELECTOR, '[data-fact="run"]').text.startswith(newf["id"]),
          "the page shows the new run (live)")
    check(not d.find_element(By.ID, "start-burnin").is_displayed(), "no second start while it runs")
    shot("node-burnin-started")

    # A decommission wipes disks: the operator must type the node's serial.
    d.get(f"{args.url}/ui/node.html?node=node-0&poll=60000")
    until(lambda: d.find_element(By.ID, "start-decommission").is_displayed(), "the operator sees the decommission button")
    d.find_element(By.ID, "start-decommission").click()
    d.switch_to.alert.send_keys("S-9")
    d.switch_to.alert.accept()
    time.sleep(1)
    check(api("/v1/nodes/node-0", args.op)["latest_run"]["kind"] == "burnin", "a wrong serial typed decommissions nothing")
    d.find_element(By.ID, "start-decommission").click()
    d.switch_to.alert.send_keys("S-0")
    d.switch_to.alert.accept()
    until(lambda: "decommission started: run" in d.find_element(By.ID, "action").text, "the decommission is started")
    check(api("/v1/nodes/node-0", args.op)["latest_run"]["kind"] == "decommission", "node-0's latest run is a decommission")
    shot("node-decommission-started")

    # The delivery page waits for its own delivery's changes only (GET /v1/events?delivery=):
    # another delivery's runner streaming does not make it read its summary again; a change of
    # one of its own runs does.
    d.get(f"{args.url}/ui/delivery.html?tag={DELIVERY}&poll=60000")
    until(lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .tile")) == 9, "the delivery page, quiet")
    reads = lambda: d.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/summary')).length")
    other = subprocess.Popen([sys.executable, args.feed, args.url, args.op, args.run_dir, "node-x", "S-X",
                              "PO-OTHER", "--batches", "10", "--pause", "0.4", "--stream-only"],
                             stdout=subprocess.PIPE, text=True)
    other.stdout.readline()  # started and registered: node-x is PO-OTHER's from here
    time.sleep(1.5)  # the start of a node the orchestrator did not know may wake every page once
    before = reads()
    other.communicate(timeout=30)
    time.sleep(1.5)
    check(reads() == before, f"another delivery's 10 batches: no summary read ({before}, then {reads()})")
    api(f"/v1/runs/{newf['id']}/abort", args.op, {})
    until(lambda: reads() > before, "an abort of one of its runs: the page reads again")

    # An orchestrator restart: the page says so and comes back by itself, still logged in. It
    # comes back with summary_values_max_nodes 4: the 9-node delivery's figures are binned.
    d.get(f"{args.url}/ui/delivery.html?tag={DELIVERY}&poll=1000")
    until(lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .tile")) == 9, "9 nodes before the restart")
    os.kill(int(args.pid), signal.SIGTERM)
    until(lambda: d.find_element(By.ID, "banner").is_displayed(), "the page notices the orchestrator is gone")
    shot("orchestrator-down")
    with open(args.config, "a") as config:
        config.write("summary_values_max_nodes: 4\n")
    log = open(os.path.join(args.tmp, "orch.log"), "a")
    again = subprocess.Popen([args.orchestrator, "--config", args.config, "--port", args.port],
                             stdout=log, stderr=log)
    open(os.path.join(args.tmp, "orch2.pid"), "w").write(str(again.pid))
    until(lambda: not d.find_element(By.ID, "banner").is_displayed(), "the page is back after the restart", 30)
    check("login" not in d.current_url and len(d.find_elements(By.CSS_SELECTOR, "#grid .tile")) == 9,
          "still logged in, the grid back")
    shot("after-restart")

    # A viewer sees the same, cannot abort.
    d.find_element(By.ID, "logout").click()
    wait.until(ec.url_contains("/ui/login.html"))
    login(args.viewer)
    until(lambda: d.find_elements(By.CSS_SELECTOR, f'tr[data-delivery="{DELIVERY}"]'), "the viewer sees the deliveries")
    check("viewer (read-only)" in settled(lambda: d.find_element(By.ID, "who").text), "the page says read-only")
    d.get(f"{args.url}/ui/node.html?node=node-6&poll=1000")
    until(lambda: d.find_element(By.CSS_SELECTOR, '[data-fact="state"]').text == "registered", "the viewer sees node-6 running")
    # node-6 rebooted once (kiln_feed --reboot): the page lists the event in words.
    until(lambda: d.find_elements(By.CSS_SELECTOR, '#events [data-event="unexpected_reboot"]'),
          "node-6's page lists its unexpected reboot")
    event = d.find_element(By.CSS_SELECTOR, '#events [data-event="unexpected_reboot"]').text
    check("the node rebooted" in event and "on_unexpected_reboot: fail" in event, f"the reboot in words: {event}")
    time.sleep(1.5)
    check(not d.find_element(By.ID, "abort").is_displayed(), "the viewer gets no abort button")
    run6 = api("/v1/nodes/node-6", args.op)["latest_run"]["id"]
    check(fetch_status(f"/v1/runs/{run6}/abort") == 403, "the viewer's abort (with its CSRF token) is refused: 403")
    check(api(f"/v1/runs/{run6}", args.op)["directive"] == "continue", "node-6's run was not aborted")
    shot("viewer-node")
    d.get(f"{args.url}/ui/delivery.html?tag={DELIVERY}")
    until(lambda: len(d.find_elements(By.CSS_SELECTOR, "svg.strip circle.outlier")) >= 1, "the viewer sees the outlier")
    # Binned (more than summary_values_max_nodes): a bar per filled bin, only the outlier a point.
    summary = api(f"/v1/deliveries/{DELIVERY}/summary", args.op)
    check(summary["figure_values"] == "binned" and all("values" not in f for f in summary["figures"]),
          "the summary carries bins, not every node's value")
    score = next(f for f in summary["figures"] if f["key"] == "benchmark.score")
    check(sum(score["distribution"]["counts"]) == score["nodes"] and
          [n["node"] for n in score["distribution"]["named"]] == ["node-5"],
          f"the score's bins count its nodes, node-5 named: {score['distribution']}")
    bars = settled(lambda: sum(int(b.get_attribute("data-count")) for b in d.find_elements(
        By.CSS_SELECTOR, 'svg.strip[data-figure="benchmark.score"] rect.bin:not(.below)')))
    check(bars == score["nodes"], f"the score's bars hold its {score['nodes']} nodes: {bars}")
    check(not d.find_elements(By.CSS_SELECTOR, "svg.strip circle:not(.outlier)"), "no point but the outliers'")
    check(d.find_elements(By.CSS_SELECTOR, 'svg.strip circle.outlier[data-node="node-5"]'), "node-5 still a point")
    check(not d.find_element(By.ID, "start-burnin").is_displayed() and
          not d.find_element(By.ID, "start-decommission").is_displayed(), "the viewer gets no start buttons")
    check(d.find_element(By.ID, "report-html").is_displayed(), "the viewer gets the report link")
    shot("viewer-delivery")
finally:
    d.quit()
print("browser checks passed")
