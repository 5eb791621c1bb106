#include "config/analysis_config.hpp"

#include <fmt/format.h>

#include "liveness/runner_timeout.hpp"

namespace kiln::orchestrator {
namespace {

Error bad(const YAML::Node& node, const std::string& file, const std::string& what) {
  return Error{"KILN-CONFIG", fmt::format("{}:{}: {}", file, node.Mark().line + 1, what), ""};
}

}  // namespace

Status parse_runner_and_outlier_keys(const YAML::Node& root, OrchestratorConfig& c,
                                     const std::string& file_name) {
  if (const auto t = root["runner_timeout"]) {
    auto timeout = parse_timeout(t.as<std::string>());
    if (!timeout) return bad(t, file_name, "runner_timeout: " + timeout.error().message);
    c.runner_timeout = *timeout;
  }
  if (const auto o = root["outliers"]) {
    const auto mode = o.as<std::string>();
    if (mode != "flag" && mode != "fail")
      return bad(o, file_name, fmt::format("outliers: '{}' is neither 'flag' nor 'fail'", mode));
    c.outliers.fail = mode == "fail";
  }
  if (const auto k = root["outlier_k"]) {
    c.outliers.k = k.as<double>();
    if (!(c.outliers.k > 0)) return bad(k, file_name, "outlier_k must be above 0 (default 3.5)");
  }
  if (const auto n = root["outlier_min_batch"]) {
    c.outliers.min_batch = n.as<int>();
    if (c.outliers.min_batch < 3)
      return bad(n, file_name, "outlier_min_batch must be 3 or more (default 5)");
  }
  if (const auto d = root["outlier_min_deviation_percent"]) {
    c.outliers.min_deviation_percent = d.as<double>();
    if (c.outliers.min_deviation_percent < 0)
      return bad(d, file_name, "outlier_min_deviation_percent must be 0 or more (default 3)");
  }
  if (const auto m = root["summary_values_max_nodes"]) {
    const auto n = m.as<long long>();
    if (n < 0)
      return bad(m, file_name,
                 "summary_values_max_nodes must be 0 or more (default 1000; 0: always binned)");
    c.summary_values_max_nodes = static_cast<std::size_t>(n);
  }
  return ok();
}

}  // namespace kiln::orchestrator
