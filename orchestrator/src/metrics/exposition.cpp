#include "metrics/exposition.hpp"

#include <fmt/format.h>

#include <map>
#include <tuple>

#include "api/tokens.hpp"
#include "kiln/version.hpp"

namespace kiln::orchestrator {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void histogram(std::string& out, std::string_view name, std::string_view help, const Histogram& h) {
  family(out, name, "histogram", help);
  const auto s = h.snapshot();
  for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i)
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, Histogram::kBounds[i], s.cumulative[i]);
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, s.count, name,
                     s.sum, name, s.count);
}

// Where a node stands in its delivery: the verdict of its latest burn-in.
const char* delivery_status(const RunRow* latest) {
  if (latest == nullptr) return "no_run";
  if (latest->verdict == "PASS") return "passed";
  if (latest->verdict == "FAIL") return "failed";
  if (latest->verdict == "ERROR") return "errored";
  if (latest->state == "aborted") return "aborted";
  return "running";
}

}  // namespace

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_metrics(const Metrics& m, const std::vector<NodeRecord>& nodes,
                           const std::vector<RunRow>& runs, std::string_view store_backend) {
  std::string out;
  family(out, "kiln_build_info", "gauge", "The kiln version and run store of this orchestrator.");
  out += fmt::format("kiln_build_info{{version=\"{}\",store=\"{}\"}} 1\n",
                     escape_label(kiln_version()), escape_label(store_backend));

  std::map<std::tuple<std::string, std::string, std::string>, int> by_state;
  for (const auto& r : runs) ++by_state[{r.kind, r.state, r.verdict.empty() ? "none" : r.verdict}];
  family(out, "kiln_runs", "gauge", "Stored runs by kind, state and verdict (none: not judged).");
  for (const auto& [key, n] : by_state) {
    const auto& [kind, state, verdict] = key;
    out += fmt::format("kiln_runs{{kind=\"{}\",state=\"{}\",verdict=\"{}\"}} {}\n",
                       escape_label(kind), escape_label(state), escape_label(verdict), n);
  }

  std::map<std::string, const RunRow*> latest;  // burn-in, by node
  for (const auto& r : runs) {
    if (r.kind == "burnin") latest[r.node_uuid] = &r;  // runs come ordered by creation
  }
  std::map<std::pair<std::string, std::string>, int> delivery;
  for (const auto& n : nodes) {
    if (n.asset_tag.empty()) continue;
    auto it = latest.find(n.uuid);
    ++delivery[{n.asset_tag, delivery_status(it == latest.end() ? nullptr : it->second)}];
  }
  family(out, "kiln_delivery_nodes", "gauge",
         "Nodes of each delivery by the outcome of their latest burn-in.");
  for (const auto& [key, n] : delivery) {
    out += fmt::format("kiln_delivery_nodes{{delivery=\"{}\",status=\"{}\"}} {}\n",
                       escape_label(key.first), key.second, n);
  }

  family(out, "kiln_artifact_batches_total", "counter",
         "Artifact batches answered: stored (after their commit) or refused.");
  out +=
      fmt::format("kiln_artifact_batches_total{{result=\"stored\"}} {}\n", m.batches_stored.load());
  out += fmt::format("kiln_artifact_batches_total{{result=\"refused\"}} {}\n",
                     m.batches_refused.load());
  family(out, "kiln_artifact_lines_total", "counter",
         "OCPTV artifact lines stored (a replayed line is not counted again).");
  out += fmt::format("kiln_artifact_lines_total {}\n", m.artifact_lines.load());
  histogram(out, "kiln_artifact_batch_duration_seconds",
            "From an artifact batch read to its answer (parse, access, group commit, sync).",
            m.batch_seconds);
  histogram(out, "kiln_store_commit_duration_seconds",
            "One group commit of artifact batches in the run store (BEGIN to COMMIT).",
            m.commit_seconds);

  family(out, "kiln_ironic_requests_total", "counter",
         "Ironic API calls by method and outcome (ok, or the KILN-IRONIC error code).");
  for (const auto& [key, n] : m.ironic_calls()) {
    out += fmt::format("kiln_ironic_requests_total{{method=\"{}\",outcome=\"{}\"}} {}\n",
                       escape_label(key.first), escape_label(key.second), n);
  }
  family(out, "kiln_runner_timeouts_total", "counter",
         "Runs ended ERROR because their runner fell silent (runner_timeout).");
  out += fmt::format("kiln_runner_timeouts_total {}\n", m.runner_timeouts.load());
  return out;
}

ApiResponse get_metrics(ApiCall& call) {
  const std::string& wanted = call.ctx.config.metrics_token;
  if (!wanted.empty()) {
    auto token = bearer_token(call.request.authorization);
    if (!token || !constant_time_equal(token_hash(*token), token_hash(wanted)))
      return api_error(401, "unauthenticated",
                       "GET /metrics needs 'Authorization: Bearer <metrics_token>'");
  }
  auto nodes = call.ctx.store.list_nodes();
  const RunQuery every_run;  // without report text: the gauges need kind, state and verdict
  auto runs = call.ctx.store.list_runs(every_run);
  if (!nodes || !runs) return api_error(503, "store_unavailable", "the run store did not answer");
  ApiResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.text = render_metrics(metrics(), *nodes, *runs, call.ctx.store.backend());
  return r;
}

}  // namespace kiln::orchestrator
