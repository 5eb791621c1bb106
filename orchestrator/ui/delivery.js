"use strict";
// One delivery: counts, progress and ETA, a grid of its nodes (traffic light, stage,
// percent, first failure), its findings, and each analysed figure as a strip plot.
const tag = kiln.param("tag");
document.getElementById("title").textContent = `Delivery ${tag}`;
document.getElementById("crumb").textContent = tag;
document.title = `kiln: ${tag}`;
const base = `/v1/deliveries/${encodeURIComponent(tag)}`;
document.getElementById("summary-json").href = `${base}/summary`;
document.getElementById("report-html").href = `${base}/report.html`;
document.getElementById("report-csv").href = `${base}/report.csv`;
document.getElementById("report-json").href = `${base}/report`;
let nodeCount = 0;
// The grid shows one page of the delivery's nodes in UUID order (GET ...?limit=&after=): this
// page's own address says which (after=, and from=, the number of its first node), "next" and
// "first" move through them, the browser's back button goes back.
const pageSize = Number(kiln.param("limit")) || 500;
const after = kiln.param("after");
const from = Number(kiln.param("from")) || 1;
const pageUrl = (cursor, first) => `delivery.html?${new URLSearchParams({tag,
  ...(kiln.param("poll") ? {poll: kiln.param("poll")} : {}), ...(kiln.param("limit") ? {limit: pageSize} : {}),
  ...(cursor ? {after: cursor, from: first} : {})})}`;
const nodePage = `${base}?limit=${pageSize}${after ? "&after=" + encodeURIComponent(after) : ""}`;

document.getElementById("start-burnin").addEventListener("click", () => kiln.act(
  () => confirm(`Start a burn-in on all ${nodeCount} nodes of delivery ${tag}? Nodes still burning in are refused.`),
  "/v1/burnins", {delivery: tag}, a => `burn-in started on ${a.runs.length} node(s)`));

// A decommission wipes every disk of the delivery: the operator types its tag to confirm.
document.getElementById("start-decommission").addEventListener("click", () => kiln.act(
  () => {
    const typed = prompt(`Decommission all ${nodeCount} nodes of delivery ${tag}: every disk is wiped and ` +
                         `a certificate signed per node. Type the delivery's tag to confirm.`);
    return typed !== null && typed.trim() === tag;
  },
  "/v1/decommissions", {delivery: tag}, a => `decommission started on ${a.runs.length} node(s)`));

function firmwareRow(item) {
  return kiln.el("tr", {"data-firmware": item.key, class: item.uniform ? "" : "finding-row"},
    kiln.el("td", {}, item.label),
    kiln.el("td", {}, ...item.values.map((v, i) => kiln.el("span", {class: i > 0 && !item.uniform ? "minority" : "",
      title: v.node_list.map(n => n.serial || n.uuid).join(", ") +
        (v.nodes > v.node_list.length ? ` and ${v.nodes - v.node_list.length} more` : "")},
      `${i ? " · " : ""}${v.value}: ${v.nodes} node${v.nodes === 1 ? "" : "s"}`))),
    kiln.el("td", {class: "num"}, item.unread || ""));
}
const openNode = node => { location.href = `node.html?node=${encodeURIComponent(node)}`; };

function tile(entry, outliers, fwFlagged) {
  const run = entry.run;
  const light = kiln.light(run);
  const failure = run && run.failures && run.failures.length ? run.failures[0] : "";
  const running = light === "running";
  const cls = `tile ${light}${outliers.has(entry.uuid) ? " outlier" : ""}`;
  const label = entry.serial || kiln.short(entry.uuid);
  return kiln.el("a", {class: cls, href: `node.html?node=${encodeURIComponent(entry.uuid)}`,
                       "data-node": entry.uuid, "data-state": light,
                       title: `${entry.uuid}${failure ? "\n" + failure : ""}`},
    kiln.el("b", {}, label),
    kiln.el("div", {}, run ? (running ? `${run.stage || run.state} ` : run.verdict || run.state) : "no run",
            running ? kiln.el("span", {class: "pct"}, `${Math.round(run.progress)} %`) : null),
    running ? kiln.el("div", {class: "mini"}, kiln.el("span", {style: `width:${Math.min(100, run.progress)}%`})) : null,
    failure ? kiln.el("div", {class: "why"}, failure) : null,
    outliers.has(entry.uuid) ? kiln.el("div", {class: "why"}, "outlier") : null,
    fwFlagged.has(entry.uuid) ? kiln.el("div", {class: "why", "data-flag": "firmware"}, "firmware minority") : null);
}

kiln.live(async () => {
  const [d, s] = await Promise.all([kiln.api(nodePage), kiln.api(`${base}/summary`)]);
  const outliers = new Set(s.outliers.map(o => o.node));
  nodeCount = d.nodes;
  for (const id of ["start-burnin", "start-decommission"])
    document.getElementById(id).hidden = !kiln.session.can_act;
  const fw = s.firmware || {items: [], findings: []};
  const fwFlagged = new Set(Object.keys(s.firmware_flags || {}));
  document.getElementById("counts").replaceChildren(
    kiln.el("span", {}, `${d.nodes} nodes`),
    kiln.el("span", {class: "verdict-PASS"}, `${d.passed} passed`),
    kiln.el("span", {class: "verdict-FAIL"}, `${d.failed} failed`),
    kiln.el("span", {class: "verdict-ERROR"}, `${d.errored} errored`),
    kiln.el("span", {}, `${d.running} running`),
    kiln.el("span", {}, `${s.outlier_nodes} outlier node(s)`));
  kiln.bar(document.getElementById("progress"),
    [["pass", d.passed], ["fail", d.failed], ["error", d.errored], ["running", d.running]], d.nodes);
  // ETA from the pace so far: the time since the first run began, over the share done.
  document.getElementById("eta").textContent = kiln.eta(d.passed + d.failed + d.errored, d.nodes, d.started_at);
  document.getElementById("grid").replaceChildren(...d.node_list.map(n => tile(n, outliers, fwFlagged)));
  const to = from + d.node_list.length - 1;
  document.getElementById("pager").replaceChildren(...(after || d.next ? [
    kiln.el("span", {id: "page-range"}, `nodes ${from}–${to} of ${d.nodes} `),
    after ? kiln.el("a", {id: "page-first", href: pageUrl("", 1)}, "« first") : null,
    after && d.next ? " · " : null,
    d.next ? kiln.el("a", {id: "page-next", href: pageUrl(d.next, to + 1)}, "next ›") : null].filter(Boolean) : []));
  const findings = [
    ...fw.findings.map(f => kiln.el("div", {class: "finding", "data-finding": "firmware"},
      `systematic: ${f.message}`)),
    ...s.outliers.map(o => kiln.el("div", {class: "finding", "data-finding": "outlier"},
      kiln.el("a", {href: `node.html?node=${encodeURIComponent(o.node)}`}, o.message)))];
  document.getElementById("findings").replaceChildren(...(findings.length ? findings
    : [kiln.el("p", {class: "muted"}, "no outliers, no systematic findings")]));
  document.querySelector("#firmware tbody").replaceChildren(...(fw.items.length
    ? fw.items.map(firmwareRow)
    : [kiln.el("tr", {}, kiln.el("td", {colspan: 3, class: "muted"}, "no firmware reported yet"))]));
  document.getElementById("figures").replaceChildren(...s.figures.map(f => {
    const these = new Set(s.outliers.filter(o => o.figure === f.key).map(o => o.node));
    const tender = f.tender ? ` · tender ${kiln.comparison(f.tender.comparison)} ${f.tender.threshold} (${f.below_tender} break it)` : "";
    return kiln.el("div", {class: "figure"},
      kiln.el("div", {}, kiln.el("b", {}, f.label), ` ${f.unit ? "(" + f.unit + ")" : ""} · ${f.nodes} nodes · ` +
        `median ${kiln.number(f.median)}${tender} · ${f.outliers} outlier(s)` +
        (f.distribution ? ` · ${f.distribution.bins} bins (a delivery of more than ${s.values_max_nodes} nodes)` : "")),
      stripPlot(f, these, openNode));
  }));
}, null, tag);  // this delivery's changes only (a node joining it is one)
