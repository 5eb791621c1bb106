#include "stages/memory/edac_counters.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "stages/memtest/memtest_stage.hpp"

namespace kiln::runner {
namespace {

std::uint64_t grown(std::uint64_t before, std::uint64_t after) {
  return after > before ? after - before : 0;
}

}  // namespace

EdacSnapshot read_edac(HostAdapter& host) {
  EdacSnapshot snap;
  for (const auto& mc : memtest::read_edac_tree(memtest_host(host), kEdacRoot)) {
    snap.present = true;
    const EdacUnit total{mc.name, "", "", mc.ce, mc.ue};
    snap.controllers[mc.name] = total;
    for (const auto& e : mc.entries) {
      EdacUnit u{e.key, e.label, e.location, e.ce, e.ue};
      if (e.csrow) {
        std::vector<std::string> labels;
        for (const auto& ch : e.channels) {
          if (!ch.label.empty()) labels.push_back(ch.label);
        }
        u.label = fmt::format("{}", fmt::join(labels, ", "));
      }
      snap.units[u.key] = std::move(u);
    }
    if (mc.entries.empty()) snap.units[mc.name] = total;  // no finer level (or not listable)
  }
  return snap;
}

std::vector<EdacChange> edac_changes(const EdacSnapshot& before, const EdacSnapshot& after) {
  std::vector<EdacChange> out;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> counted;  // mc -> (ce, ue)
  for (const auto& [key, now] : after.units) {
    auto was = before.units.find(key);
    EdacChange c{now, grown(was == before.units.end() ? 0 : was->second.ce, now.ce),
                 grown(was == before.units.end() ? 0 : was->second.ue, now.ue), false};
    std::string mc = key.substr(0, key.find('/'));
    if (key != mc) {
      counted[mc].first += c.ce_delta;
      counted[mc].second += c.ue_delta;
    }
    if (c.ce_delta > 0 || c.ue_delta > 0) out.push_back(c);
  }
  for (const auto& [mc, now] : after.controllers) {
    if (after.units.contains(mc)) continue;  // the controller is its own unit
    auto was = before.controllers.find(mc);
    std::uint64_t ce = grown(was == before.controllers.end() ? 0 : was->second.ce, now.ce);
    std::uint64_t ue = grown(was == before.controllers.end() ? 0 : was->second.ue, now.ue);
    EdacChange c{now, grown(counted[mc].first, ce), grown(counted[mc].second, ue), true};
    if (c.ce_delta > 0 || c.ue_delta > 0) out.push_back(c);
  }
  return out;
}

std::string describe_unit(const EdacUnit& unit, bool unattributed) {
  if (unattributed) {
    return fmt::format("memory controller {} (errors not attributed to a DIMM)", unit.key);
  }
  auto slash = unit.key.find('/');
  if (slash == std::string::npos) return fmt::format("memory controller {}", unit.key);
  std::string_view part = std::string_view(unit.key).substr(slash + 1);
  if (part.starts_with("csrow")) {
    return unit.label.empty()
               ? fmt::format("csrow {} ({})", part.substr(5), unit.key)
               : fmt::format("csrow {} ({}, DIMM {})", part.substr(5), unit.key, unit.label);
  }
  if (!unit.label.empty()) return fmt::format("DIMM {} ({})", unit.label, unit.key);
  if (!unit.location.empty()) return fmt::format("DIMM at {} ({})", unit.location, unit.key);
  return fmt::format("DIMM {}", unit.key);
}

}  // namespace kiln::runner
