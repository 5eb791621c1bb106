"use strict";
// One node and its latest run: facts, live progress, the operator's actions (abort the
// run; start a burn-in or a decommission when none is going), each behind a confirmation,
// failures, stages with diagnoses, measurements with limits and
// verdicts, and the tail of the artifact stream.
const nodeId = kiln.param("node");
document.getElementById("title").textContent = `Node ${nodeId}`;
document.title = `kiln: ${nodeId}`;
let current = null;  // the run shown

function fact(name, value) {
  return kiln.el("tr", {}, kiln.el("th", {}, name), kiln.el("td", {"data-fact": name}, value ?? ""));
}

function limitText(l) {
  const t = Array.isArray(l.threshold) ? l.threshold.join(", ") : l.threshold;
  return `${kiln.comparison(l.comparison)} ${t}`;
}

// Unexpected reboots and runner restarts of the run (docs/reboots.md), oldest first.
function renderEvents(events) {
  document.getElementById("events").replaceChildren(...events.map(e => {
    const i = e.interrupted;
    const where = i && i.stage ? `during the ${i.stage} stage at ${Math.round(i.progress || 0)} %` : "between stages";
    const what = e.kind === "runner_restart" ? "the runner restarted (same boot)" : "the node rebooted";
    return kiln.el("div", {class: "finding event", "data-event": e.kind},
      `${e.at}: ${what} ${where}; on_unexpected_reboot: ${e.policy || "fail"}`);
  }));
}

function renderReport(report) {
  const stages = report ? report.stages : [];
  document.querySelector("#stages tbody").replaceChildren(...stages.map(s => kiln.el("tr", {},
    kiln.el("td", {}, s.name), kiln.el("td", {class: `verdict-${s.verdict}`}, s.verdict),
    kiln.el("td", {class: "num"}, kiln.duration(s.duration_s)),
    kiln.el("td", {}, ...s.diagnoses.filter(d => d.type !== "PASS").map(d =>
      kiln.el("div", {class: d.type === "FAIL" ? "finding" : ""},
        d.component && !d.message.startsWith(d.component) ? `${d.component}: ${d.message}` : d.message)),
      ...s.errors.map(e => kiln.el("div", {class: "finding"}, `${e.symptom}: ${e.message}`))))));
  const rows = [];
  for (const s of stages) {
    for (const m of s.measurements) {
      if (typeof m.value === "string" && !m.limits.length) continue;  // inventory text
      const failed = m.limits.some(l => !l.passed);
      rows.push(kiln.el("tr", {"data-failed": failed ? "1" : "0"},
        kiln.el("td", {}, s.name), kiln.el("td", {}, m.name), kiln.el("td", {}, m.component),
        kiln.el("td", {class: "num"}, `${kiln.number(m.value)} ${m.unit}`),
        kiln.el("td", {}, m.limits.map(limitText).join("; ")),
        kiln.el("td", {class: m.limits.length ? (failed ? "verdict-FAIL" : "verdict-PASS") : "muted"},
          m.limits.length ? (failed ? "FAIL" : "PASS") : "-")));
    }
  }
  // Broken limits first.
  rows.sort((a, b) => (b.dataset.failed === "1") - (a.dataset.failed === "1"));
  document.querySelector("#measurements tbody").replaceChildren(...rows);
}

let nodeSerial = "";

document.getElementById("abort").addEventListener("click", () => kiln.act(
  () => current && confirm(`Abort run ${current.id} on node ${nodeId}? The runner stops at its next directive poll.`),
  `/v1/runs/${encodeURIComponent(current ? current.id : "")}/abort`, {},
  () => "abort sent: the runner stops at its next directive poll"));

document.getElementById("start-burnin").addEventListener("click", () => kiln.act(
  () => confirm(`Start a burn-in on node ${nodeSerial || nodeId}? Ironic deploys kiln's image on it.`),
  "/v1/burnins", {nodes: [nodeId]},
  a => `burn-in started: run ${a.runs.map(r => r.run_id).join(", ")}`));

// A decommission wipes every disk: the operator types the node's serial (or UUID) to confirm.
document.getElementById("start-decommission").addEventListener("click", () => kiln.act(
  () => {
    const typed = prompt(`Decommission node ${nodeSerial || nodeId}: every disk is wiped and a certificate signed. ` +
                         `Type the node's serial${nodeSerial ? "" : " (UUID)"} to confirm.`);
    return typed !== null && typed.trim() === (nodeSerial || nodeId);
  },
  "/v1/decommissions", {nodes: [nodeId]},
  a => `decommission started: run ${a.runs.map(r => r.run_id).join(", ")}`));

kiln.live(async () => {
  const node = await kiln.api(`/v1/nodes/${encodeURIComponent(nodeId)}`);
  const run = node.latest_run;
  current = run;
  nodeSerial = node.serial || "";
  const crumb = document.getElementById("crumb");
  crumb.textContent = node.asset_tag || "";
  crumb.href = node.asset_tag ? `delivery.html?tag=${encodeURIComponent(node.asset_tag)}` : "index.html";
  const light = kiln.light(run);
  document.querySelector("#facts tbody").replaceChildren(...[
    fact("traffic light", kiln.el("span", {class: `light ${light}`, "data-light": light})),
    fact("serial", node.serial), fact("delivery", node.asset_tag),
    fact("run", run ? `${run.id} (${run.kind}, attempt ${run.attempt})` : "none"),
    fact("state", run ? run.state : ""), fact("verdict", run ? run.verdict : ""),
    fact("stage", run ? run.stage : ""),
    fact("progress", run ? `${Math.round(run.progress)} %` : ""),
    fact("Ironic state", run ? run.ironic_state + (run.ironic_error ? `: ${run.ironic_error}` : "") : ""),
    fact("last heartbeat", run ? run.last_heartbeat : ""),
    fact("artifacts", run ? run.artifacts : ""),
    run && run.kind === "decommission" && run.verdict === "PASS"
      ? fact("certificate", kiln.el("a", {href: `/v1/runs/${encodeURIComponent(run.id)}/certificate.html`}, "signed certificate"))
      : null,
    run && run.directive === "abort" && !run.verdict ? fact("directive", "abort (sent to the runner)") : null,
  ].filter(Boolean));
  const finished = !run || run.state === "reported" || run.state === "aborted";
  kiln.bar(document.getElementById("progress"), run ? [[finished ? light : "running", finished ? 100 : run.progress]] : [], 100);
  document.getElementById("abort").hidden = finished || !kiln.session.can_act || run.directive === "abort";
  document.getElementById("start-burnin").hidden = !finished || !kiln.session.can_act;
  document.getElementById("start-decommission").hidden = !finished || !kiln.session.can_act;
  document.getElementById("failures").replaceChildren(...((run && run.failures) || []).map(f =>
    kiln.el("div", {class: "finding"}, f)));
  if (!run) return;
  const [report, tail, detail] = await Promise.all([
    run.report_url ? kiln.api(`/v1/runs/${encodeURIComponent(run.id)}/report`) : Promise.resolve(null),
    kiln.api(`/v1/runs/${encodeURIComponent(run.id)}/artifacts?tail=40`),
    kiln.api(`/v1/runs/${encodeURIComponent(run.id)}`)]);
  renderEvents(detail.events || []);
  renderReport(report);
  if (!report) {
    document.querySelector("#stages tbody").replaceChildren(kiln.el("tr", {}, kiln.el("td", {colspan: 4, class: "muted"},
      `no report yet: now in ${run.stage || "(starting)"}, ${Math.round(run.progress)} %`)));
  }
  document.getElementById("tail").textContent =
    `${tail.total} artifacts, the last ${tail.artifacts.length}:\n` + tail.artifacts.join("\n");
}, ev => ev.nodes.includes(nodeId) || (current && ev.runs.includes(current.id)));
