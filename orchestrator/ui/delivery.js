"use strict";
// One delivery: counts, progress and ETA, a grid of its nodes (traffic light, stage,
// percent, first failure), its findings, and each analysed figure as a strip plot.
const tag = kiln.param("tag");
document.getElementById("title").textContent = `Delivery ${tag}`;
document.getElementById("crumb").textContent = tag;
document.title = `kiln: ${tag}`;
const base = `/v1/deliveries/${encodeURIComponent(tag)}`;
document.getElementById("summary-json").href = `${base}/summary`;
const openNode = node => { location.href = `node.html?node=${encodeURIComponent(node)}`; };

function tile(entry, outliers) {
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
    outliers.has(entry.uuid) ? kiln.el("div", {class: "why"}, "outlier") : null);
}

kiln.live(async () => {
  const [d, s] = await Promise.all([kiln.api(base), kiln.api(`${base}/summary`)]);
  const outliers = new Set(s.outliers.map(o => o.node));
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
  const done = d.passed + d.failed + d.errored;
  const starts = d.node_list.filter(n => n.run).map(n => Date.parse(n.run.created_at)).filter(isFinite);
  let eta = `${done} of ${d.nodes} done`;
  if (done > 0 && done < d.nodes && starts.length) {
    const elapsed = (Date.now() - Math.min(...starts)) / 1000;
    eta += `, about ${kiln.duration(elapsed * (d.nodes - done) / done)} to go at this pace`;
  }
  document.getElementById("eta").textContent = eta;
  document.getElementById("grid").replaceChildren(...d.node_list.map(n => tile(n, outliers)));
  document.getElementById("findings").replaceChildren(...(s.outliers.length
    ? s.outliers.map(o => kiln.el("div", {class: "finding"},
        kiln.el("a", {href: `node.html?node=${encodeURIComponent(o.node)}`}, o.message)))
    : [kiln.el("p", {class: "muted"}, "no outliers")]));
  document.getElementById("figures").replaceChildren(...s.figures.map(f => {
    const these = new Set(s.outliers.filter(o => o.figure === f.key).map(o => o.node));
    const tender = f.tender ? ` · tender ${kiln.comparison(f.tender.comparison)} ${f.tender.threshold} (${f.below_tender} break it)` : "";
    return kiln.el("div", {class: "figure"},
      kiln.el("div", {}, kiln.el("b", {}, f.label), ` ${f.unit ? "(" + f.unit + ")" : ""} · ${f.nodes} nodes · ` +
        `median ${kiln.number(f.median)}${tender} · ${f.outliers} outlier(s)`),
      stripPlot(f, these, openNode));
  }));
});
