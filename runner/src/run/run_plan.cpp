#include "run/run_plan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kiln/catalog/param_check.hpp"
#include "kiln/limits_catalog.hpp"

namespace kiln::runner {

Expected<RunPlan> plan_run(const ConfigSet& configs, const FruInfo& fru,
                           const std::optional<std::string>& profile_override) {
  auto resolved = resolve(configs, fru, profile_override);
  if (!resolved) return resolved.error();
  RunPlan plan{*resolved, {}};
  const auto& registry = StageRegistry::instance();

  std::vector<StageEntry> entries;
  entries.push_back(StageEntry{"preliminary", {}, plan.config.profile.where});
  for (const auto& e : plan.config.profile.stages) {
    if (e.stage != "preliminary") entries.push_back(e);
  }
  // Every problem of every stage at once, with its file and line, before any
  // stage is created: a misspelt choice is found now, not after days of burn-in.
  std::vector<std::string> problems;
  for (const auto& entry : entries) {
    auto more = catalog::stage_entry_problems(entry);
    problems.insert(problems.end(), more.begin(), more.end());
  }
  if (!problems.empty()) {
    return make_error("KILN-CONFIG", fmt::format("{}", fmt::join(problems, "\n")));
  }
  for (auto& entry : entries) {
    auto stage = registry.create(entry.stage);
    if (!stage) {
      std::vector<std::string> known;
      for (const auto& info : registry.list()) known.push_back(info.name);
      return make_error("KILN-CONFIG", fmt::format("{}: unknown stage '{}' (stages: {})",
                                                   entry.where.describe(), entry.stage,
                                                   fmt::join(known, ", ")));
    }
    auto params = StageParams::bind(entry.stage, stage->info().params, entry.params);
    if (!params) return params.error();
    StageInfo info = stage->info();
    plan.stages.push_back(PlannedStage{std::move(entry), std::move(info), std::move(*params), std::move(stage)});
  }
  return plan;
}

std::string describe_plan(const RunPlan& plan) {
  const auto& c = plan.config;
  std::string out;
  out += fmt::format("asset tag:  {}\n", c.asset_tag.empty() ? "(empty)" : c.asset_tag);
  out += fmt::format("delivery:   {}{}\n", c.delivery_tag,
                     c.delivery_matched ? "" : "  (no delivery matches the asset tag: default applied)");
  if (c.override_serial) out += fmt::format("override:   serial {}\n", *c.override_serial);
  out += fmt::format("profile:    {}  ({})\n", c.profile.name, c.profile.where.describe());
  out += fmt::format("config:     sha256 {}\n", c.hash);
  out += "stages:\n";
  for (const auto& s : plan.stages) {
    std::vector<std::string> params;
    for (const auto& [k, v] : s.params.as_text()) params.push_back(fmt::format("{}={}", k, v));
    out += fmt::format("  {:<12} {}{}\n", s.info.name, s.info.destructive ? "[destructive] " : "",
                       fmt::join(params, " "));
  }
  out += "limits:\n";
  if (c.limits.empty()) out += "  (none)\n";
  for (const auto& [name, value] : c.limits) {
    const auto* spec = find_limit_spec(name);
    out += fmt::format("  {:<40} {} {} {}\n", name, spec ? to_string(spec->op) : "", value,
                       spec ? spec->unit : "");
  }
  return out;
}

}  // namespace kiln::runner
