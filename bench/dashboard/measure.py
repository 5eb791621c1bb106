"""The dashboard of one delivery in headless Chromium, and the API calls it makes, timed:
  python3 measure.py URL VIEWER_TOKEN TAG LABEL [LOADS] [CALLS]
prints one JSON line: the delivery page's load time (navigation to the first refresh drawn:
every tile, findings, firmware table, strip plots; each of LOADS loads in a fresh tab, the median and max),
how many times the last page, left open 6 s, read its summary again (woken by its long poll), and the
p50 / p99 of GET /v1/deliveries/TAG (its first page of 500 nodes), /summary, /v1/nodes (the first page
of 500), a page of 500 from the middle of the node list (?after=), the biggest page (?limit=5000) and
/v1/nodes/{uuid} (CALLS each, one connection each)."""
import http.client
import json
import statistics
import sys
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

url, token, tag, label = sys.argv[1:5]
loads = int(sys.argv[5]) if len(sys.argv) > 5 else 5
calls = int(sys.argv[6]) if len(sys.argv) > 6 else 100
host = urllib.parse.urlparse(url)
WATCH_S = 6


def timed(path, n):
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    ms = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        answer = conn.getresponse()
        body = answer.read()
        ms.append((time.perf_counter() - t0) * 1000)
        assert answer.status == 200, (path, answer.status, body[:200])
    conn.close()
    ms.sort()
    return {"p50_ms": round(ms[len(ms) // 2], 1), "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1),
            "bytes": len(body)}


o = webdriver.ChromeOptions()
o.binary_location = "/usr/bin/chromium"
for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--window-size=1400,1000", "--user-data-dir=" + tempfile.mkdtemp(prefix="chromium-bench-")):
    o.add_argument(flag)
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
try:
    d.get(url + "/ui/login.html")
    d.find_element("id", "token").send_keys(token)
    d.find_element("id", "login").click()
    time.sleep(1)
    first = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{url}/v1/deliveries/{tag}", headers={"Authorization": "Bearer " + token})).read())
    nodes, tiles = first["nodes"], len(first["node_list"])  # the grid draws the first page
    page_ms = []
    for _ in range(loads):
        d.get("about:blank")
        d.get(f"{url}/ui/delivery.html?tag={tag}")
        # Drawn: every tile and the rest of the first refresh (the page writes "updated ..." after
        # the grid, findings, firmware table and strip plots); timed from the navigation's start.
        ms = d.execute_async_script("""
          const [count, done] = arguments;
          const t = () => document.querySelectorAll('#grid .tile').length === count &&
                          document.getElementById('updated').textContent.startsWith('updated');
          const poll = () => t() ? done(performance.now()) : setTimeout(poll, 5);
          poll();""", tiles)
        page_ms.append(ms)
    # The last page left open WATCH_S seconds: how often its long poll made it read its summary
    # again (a delivery page waits for its own delivery's changes only since issue #19).
    before = d.execute_script("return performance.getEntriesByType('resource').filter("
                              "e => e.name.includes('/summary')).length")
    time.sleep(WATCH_S)
    rereads = d.execute_script("return performance.getEntriesByType('resource').filter("
                               "e => e.name.includes('/summary')).length") - before
    one = first["node_list"][0]["uuid"]
    # A page from the middle of the site's node list: the cursor is a node UUID halfway through.
    every = []
    page = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{url}/v1/nodes?limit=5000", headers={"Authorization": "Bearer " + token})).read())
    every += [n["uuid"] for n in page["nodes"]]
    middle = every[len(every) // 2]
finally:
    d.quit()
out = {"run": label, "delivery_nodes": nodes, "tiles_drawn": tiles,
       "page_load_ms_median": round(statistics.median(page_ms)),
       "page_load_ms_max": round(max(page_ms)), f"page_summary_rereads_{WATCH_S}s": rereads}
for name, path in (("delivery", f"/v1/deliveries/{tag}"), ("summary", f"/v1/deliveries/{tag}/summary"),
                   ("nodes", "/v1/nodes"), ("nodes_middle_page", f"/v1/nodes?after={middle}"),
                   ("nodes_5000", "/v1/nodes?limit=5000"), ("node", f"/v1/nodes/{one}")):
    # The biggest page (kilnctl's) a fifth as often: its calls would outlast the load phase.
    out[name] = timed(path, max(1, calls // 5) if name == "nodes_5000" else calls)
print(json.dumps(out), flush=True)
