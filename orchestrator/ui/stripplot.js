"use strict";
// A strip plot of one figure across a delivery's nodes, in plain SVG: each node a point
// (jittered vertically, stable per node), the tender's limit as a dashed line, the median,
// outliers big and red; a click on a point opens that node. A big delivery's summary bins the
// values instead (figure.distribution: equal bins from lo to hi with their node counts, those
// breaking the tender, the outliers named): a bar per bin, its height the bin's share of the
// fullest, the part below the tender red, and only the named outliers as points.
function stripPlot(figure, outlierNodes, onPick) {
  const NS = "http://www.w3.org/2000/svg";
  const W = 720, H = 96, L = 16, R = 16, MID = 46;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("class", "strip");
  svg.setAttribute("width", W); svg.setAttribute("height", H);
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("data-figure", figure.key);
  const make = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  const dist = figure.distribution;
  const values = figure.values || (dist ? dist.named : []);
  const tender = figure.tender && typeof figure.tender.threshold === "number" ? figure.tender.threshold : null;
  const ends = dist ? [dist.lo, dist.hi] : [];
  let lo = Math.min(...values.map(v => v.value), ...ends, tender ?? Infinity);
  let hi = Math.max(...values.map(v => v.value), ...ends, tender ?? -Infinity);
  if (!isFinite(lo)) { lo = 0; hi = 1; }
  if (hi === lo) { lo -= Math.abs(lo) * 0.05 || 1; hi += Math.abs(hi) * 0.05 || 1; }
  const pad = (hi - lo) * 0.05;
  lo -= pad; hi += pad;
  const x = v => L + (W - L - R) * (v - lo) / (hi - lo);
  make("line", {x1: L, x2: W - R, y1: MID + 30, y2: MID + 30, stroke: "#ccc"});
  make("text", {x: L, y: H - 4}, kiln.number(lo));
  make("text", {x: W - R, y: H - 4, "text-anchor": "end"}, kiln.number(hi));
  make("line", {class: "median", x1: x(figure.median), x2: x(figure.median), y1: 8, y2: MID + 30});
  const right = x(figure.median) > W - 120;  // the label left of the line near the edge
  make("text", {x: x(figure.median) + (right ? -3 : 3), y: 12, "text-anchor": right ? "end" : "start"},
       `median ${kiln.number(figure.median)}`);
  if (tender !== null) {
    make("line", {class: "tender", x1: x(tender), x2: x(tender), y1: 4, y2: MID + 30});
    make("text", {x: x(tender) + 3, y: MID + 28, fill: "#d63b30"}, `tender ${kiln.number(tender)}`);
  }
  if (dist) {
    const fullest = Math.max(1, ...dist.counts);
    const below = dist.below_tender || [];
    const bar = (i, n, cls) => {
      const x0 = dist.width > 0 ? x(dist.lo + i * dist.width) : x(dist.lo) - 3;
      const x1 = dist.width > 0 ? x(dist.lo + (i + 1) * dist.width) : x(dist.lo) + 3;
      const h = Math.max(2, 60 * n / fullest);
      return make("rect", {class: cls, x: x0.toFixed(1), width: Math.max(1, x1 - x0 - 1).toFixed(1),
                           y: (MID + 30 - h).toFixed(1), height: h.toFixed(1), "data-bin": i, "data-count": n});
    };
    dist.counts.forEach((n, i) => {
      if (!n) return;
      const b = bar(i, n, "bin");
      if (below[i]) bar(i, below[i], "bin below");
      const t = document.createElementNS(NS, "title");
      const from = dist.lo + i * dist.width;
      t.textContent = `${n} node${n === 1 ? "" : "s"}: ${kiln.number(from)} to ${kiln.number(from + dist.width)} ` +
        `${figure.unit}${below[i] ? ` (${below[i]} breaking the tender)` : ""}`;
      b.append(t);
    });
  }
  const jitter = id => { let h = 0; for (const c of id) h = (h * 31 + c.charCodeAt(0)) | 0; return (Math.abs(h) % 41) - 20; };
  for (const v of values) {
    const outlier = outlierNodes.has(v.node);
    const below = tender !== null && figure.tender.comparison.startsWith("GREATER") && v.value < tender;
    const c = make("circle", {cx: x(v.value).toFixed(1), cy: MID + jitter(v.node), r: outlier ? 7 : 4,
                              class: outlier ? "outlier" : below ? "below" : "", "data-node": v.node});
    const t = document.createElementNS(NS, "title");
    t.textContent = `${v.node}: ${kiln.number(v.value)} ${figure.unit}${outlier ? " (outlier)" : ""}`;
    c.append(t);
    c.addEventListener("click", () => onPick(v.node));
  }
  return svg;
}
