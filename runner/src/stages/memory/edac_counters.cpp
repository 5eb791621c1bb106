#include "stages/memory/edac_counters.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tools/text_scan.hpp"

namespace kiln::runner {
namespace {

namespace scan = tools::scan;

std::uint64_t read_count(HostAdapter& host, const std::string& path) {
  auto text = host.read_file(path);
  if (!text) return 0;
  return scan::to_u64(scan::trim(*text)).value_or(0);
}

std::string read_text(HostAdapter& host, const std::string& path) {
  auto text = host.read_file(path);
  return text ? std::string(scan::trim(*text)) : std::string();
}

bool starts_with_index(const std::string& name, std::string_view prefix) {
  return name.size() > prefix.size() && name.starts_with(prefix) &&
         scan::all_digits(std::string_view(name).substr(prefix.size()));
}

// dimmN / rankN: dimm_ce_count, dimm_ue_count, dimm_label, dimm_location.
void read_dimms(HostAdapter& host, const std::string& mc, const std::vector<std::string>& names,
                EdacSnapshot& snap) {
  for (const auto& name : names) {
    if (!starts_with_index(name, "dimm") && !starts_with_index(name, "rank")) continue;
    std::string dir = fmt::format("{}/{}/{}", kEdacRoot, mc, name);
    EdacUnit u;
    u.key = mc + "/" + name;
    u.label = read_text(host, dir + "/dimm_label");
    u.location = read_text(host, dir + "/dimm_location");
    u.ce = read_count(host, dir + "/dimm_ce_count");
    u.ue = read_count(host, dir + "/dimm_ue_count");
    snap.units[u.key] = u;
  }
}

// csrowN: ce_count, ue_count, chK_dimm_label.
void read_csrows(HostAdapter& host, const std::string& mc, const std::vector<std::string>& names,
                 EdacSnapshot& snap) {
  for (const auto& name : names) {
    if (!starts_with_index(name, "csrow")) continue;
    std::string dir = fmt::format("{}/{}/{}", kEdacRoot, mc, name);
    EdacUnit u;
    u.key = mc + "/" + name;
    std::vector<std::string> labels;
    if (auto files = host.list_dir(dir)) {
      for (const auto& f : *files) {
        if (f.starts_with("ch") && f.ends_with("_dimm_label")) {
          if (auto l = read_text(host, dir + "/" + f); !l.empty()) labels.push_back(l);
        }
      }
    }
    u.label = fmt::format("{}", fmt::join(labels, ", "));
    u.ce = read_count(host, dir + "/ce_count");
    u.ue = read_count(host, dir + "/ue_count");
    snap.units[u.key] = u;
  }
}

std::uint64_t grown(std::uint64_t before, std::uint64_t after) {
  return after > before ? after - before : 0;
}

}  // namespace

EdacSnapshot read_edac(HostAdapter& host) {
  EdacSnapshot snap;
  auto mcs = host.list_dir(kEdacRoot);
  if (!mcs) return snap;
  for (const auto& mc : *mcs) {
    if (!starts_with_index(mc, "mc")) continue;
    snap.present = true;
    std::string dir = fmt::format("{}/{}", kEdacRoot, mc);
    EdacUnit total;
    total.key = mc;
    total.ce = read_count(host, dir + "/ce_count");
    total.ue = read_count(host, dir + "/ue_count");
    snap.controllers[mc] = total;
    auto names = host.list_dir(dir);
    if (!names) {
      snap.units[mc] = total;
      continue;
    }
    std::size_t before = snap.units.size();
    read_dimms(host, mc, *names, snap);
    if (snap.units.size() == before) read_csrows(host, mc, *names, snap);
    if (snap.units.size() == before) snap.units[mc] = total;
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
