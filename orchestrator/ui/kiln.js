"use strict";
// What every dashboard page shares: the session, the JSON API with its cookie,
// polling that rides out an orchestrator restart, and small DOM helpers.
const kiln = {
  session: null,
  pollMs: Number(new URLSearchParams(location.search).get("poll")) || 3000,

  param(name) { return new URLSearchParams(location.search).get(name) || ""; },

  // el("td", {class: "num"}, "12"): an element with attributes and children.
  el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      // Styles through the CSSOM: the Content-Security-Policy refuses style attributes.
      if (k === "style") e.style.cssText = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  },

  banner(text) {
    const b = document.getElementById("banner");
    if (!b) return;
    b.textContent = text || "";
    b.classList.toggle("shown", !!text);
  },

  // GET or POST the API; a 401 sends the browser to the login form.
  async api(path, options = {}) {
    const headers = {Accept: "application/json"};
    if (options.method && options.method !== "GET") headers["X-Kiln-CSRF"] = kiln.session ? kiln.session.csrf : "";
    const answer = await fetch(path, {credentials: "same-origin", cache: "no-store", headers, ...options});
    if (answer.status === 401) { location.href = "/ui/login.html"; throw new Error("not logged in"); }
    const body = await answer.json().catch(() => ({}));
    if (!answer.ok) {
      const err = new Error((body.error && body.error.message) || `HTTP ${answer.status}`);
      err.status = answer.status;
      err.code = body.error && body.error.code;
      throw err;
    }
    return body;
  },

  // Who is logged in; retried while the orchestrator is away.
  async whoami() {
    for (;;) {
      try {
        kiln.session = await kiln.api("/ui/session");
        break;
      } catch (e) {
        if (e.message === "not logged in") throw e;
        kiln.banner("orchestrator unreachable, retrying ...");
        await new Promise(r => setTimeout(r, kiln.pollMs));
      }
    }
    kiln.banner("");
    const who = document.getElementById("who");
    if (who) {
      who.replaceChildren(kiln.session.role === "viewer" ? "viewer (read-only) " : "operator ",
        kiln.el("button", {id: "logout", onclick: kiln.logout}, "log out"));
    }
    return kiln.session;
  },

  async logout() {
    await fetch("/ui/logout", {method: "POST", credentials: "same-origin"});
    location.href = "/ui/login.html";
  },

  // Runs refresh() now and again whenever the orchestrator says something this page shows
  // changed: a long poll of GET /v1/events (answered at the change, else after 25 s, when the
  // page refreshes anyway). `wanted(ev)` picks the changes that matter ({runs, nodes}); none:
  // every change. `delivery`: the feed answers only changes that may concern that delivery, so
  // another delivery's runners do not wake the page. At most one refresh per second (pollMs when
  // smaller), so a delivery streaming thousands of batches a second costs the page one read a
  // second. A failure (the orchestrator
  // restarting) shows a banner and tries again every pollMs; a new orchestrator's feed (another
  // epoch) means a full refresh, so the page comes back by itself.
  async live(refresh, wanted, delivery) {
    await kiln.whoami();
    const sleep = ms => new Promise(r => setTimeout(r, ms));
    const gap = Math.min(1000, kiln.pollMs);
    let epoch = "", seq = 0;
    const events = async waitS => {
      const only = delivery ? `&delivery=${encodeURIComponent(delivery)}` : "";
      const ev = await kiln.api(`/v1/events?after=${seq}&epoch=${epoch}&wait=${waitS}${only}`);
      const changed = ev.reset || (!ev.timed_out && (!wanted || wanted(ev)));
      epoch = ev.epoch;
      seq = ev.seq;
      return {changed, timedOut: ev.timed_out};
    };
    for (;;) {
      try {
        if (!epoch) await events(0);  // where the feed stands, before reading what it covers
        await refresh();
        kiln.banner("");
        const u = document.getElementById("updated");
        if (u) u.textContent = `updated ${new Date().toLocaleTimeString()}, live`;
        await sleep(gap);
        for (;;) {
          const e = await events(25);
          if (e.changed || e.timedOut) break;
        }
      } catch (e) {
        if (e.message === "not logged in") return;
        kiln.banner(`orchestrator unreachable (${e.message}), retrying ...`);
        epoch = "";
        await sleep(kiln.pollMs);
      }
    }
  },

  // An operator's action behind a confirmation: POSTs `body` to `path` when `ask()` says
  // yes, and says what happened in the #action line.
  async act(ask, path, body, done) {
    const out = document.getElementById("action");
    if (!ask()) return;
    try {
      const answer = await kiln.api(path, {method: "POST", body: JSON.stringify(body || {})});
      out.textContent = done(answer);
    } catch (e) {
      out.textContent = `refused: ${e.message}`;
    }
  },

  // The traffic light of a run: pass, fail, error, running, or idle (no run, aborted).
  light(run) {
    if (!run) return "idle";
    if (run.verdict === "PASS") return "pass";
    if (run.verdict === "FAIL") return "fail";
    if (run.verdict === "ERROR") return "error";
    if (run.state === "aborted") return "idle";
    return "running";
  },

  bar(target, parts, total) {
    target.replaceChildren(...parts.filter(p => p[1] > 0).map(([cls, n]) =>
      kiln.el("span", {class: cls, style: `width:${(100 * n / Math.max(total, 1)).toFixed(2)}%`,
                       title: `${cls}: ${n}`})));
  },

  // "GREATER_THAN_OR_EQUAL" -> "≥"
  comparison(c) {
    return {EQUAL: "=", NOT_EQUAL: "≠", LESS_THAN: "<", LESS_THAN_OR_EQUAL: "≤", GREATER_THAN: ">",
            GREATER_THAN_OR_EQUAL: "≥", REGEX_MATCH: "matches", IN_SET: "in"}[c] || c;
  },

  short(id) { return id.length > 12 ? id.slice(0, 8) + "…" : id; },

  number(v) {
    if (typeof v !== "number") return String(v);
    return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
  },

  // "3 of 8 done, about 2.1 h to go at this pace": the time since the first run started
  // (RFC 3339), over the share of nodes done.
  eta(done, total, startedAt) {
    let text = `${done} of ${total} done`;
    const started = Date.parse(startedAt || "");
    if (done > 0 && done < total && isFinite(started)) {
      const elapsed = (Date.now() - started) / 1000;
      text += `, about ${kiln.duration(elapsed * (total - done) / done)} to go at this pace`;
    }
    return text;
  },

  duration(seconds) {
    if (!isFinite(seconds) || seconds < 0) return "";
    if (seconds < 90) return `${Math.round(seconds)} s`;
    if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
    return `${(seconds / 3600).toFixed(1)} h`;
  },
};
