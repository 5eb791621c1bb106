"use strict";
// Deliveries: each one's counts, a progress bar with the ETA, and its findings (outliers, systematic
// firmware findings).
kiln.live(async () => {
  const {deliveries} = await kiln.api("/v1/deliveries");
  const rows = await Promise.all(deliveries.map(async d => {
    let findings = "";
    try {
      const s = await kiln.api(`/v1/deliveries/${encodeURIComponent(d.tag)}/summary`);
      const parts = [];
      if (s.outlier_nodes) parts.push(`${s.outlier_nodes} node(s) lag their batch`);
      const systematic = s.firmware ? s.firmware.findings.length : 0;
      if (systematic) parts.push(`${systematic} systematic firmware finding(s)`);
      findings = parts.length ? parts.join("; ") : "none";
    } catch (e) { findings = e.message; }
    const done = d.passed + d.failed + d.errored;
    const bar = kiln.el("div", {class: "bar"});
    kiln.bar(bar, [["pass", d.passed], ["fail", d.failed], ["error", d.errored], ["running", d.running]], d.nodes);
    return kiln.el("tr", {"data-delivery": d.tag},
      kiln.el("td", {}, kiln.el("a", {href: `delivery.html?tag=${encodeURIComponent(d.tag)}`}, d.tag)),
      kiln.el("td", {class: "num"}, d.nodes), kiln.el("td", {class: "num"}, d.passed),
      kiln.el("td", {class: "num"}, d.failed), kiln.el("td", {class: "num"}, d.errored),
      kiln.el("td", {class: "num"}, d.running),
      kiln.el("td", {}, bar, kiln.el("span", {class: "muted", "data-eta": d.tag}, ` ${kiln.eta(done, d.nodes, d.started_at)}`)),
      kiln.el("td", {}, findings));
  }));
  document.querySelector("#deliveries tbody").replaceChildren(...rows);
});
