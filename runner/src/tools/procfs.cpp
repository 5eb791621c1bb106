#include "tools/procfs.hpp"

#include "tools/text_scan.hpp"

namespace kiln::tools {

std::optional<std::uint64_t> meminfo_kib(std::string_view text, std::string_view key) {
  for (auto line : scan::lines(text)) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    // A node's file prefixes "Node N "; the key is the last word before the colon.
    if (const auto space = name.rfind(' '); space != std::string_view::npos)
      name = name.substr(space + 1);
    if (name != key) continue;
    auto value = scan::tokens(line.substr(colon + 1));
    if (value.empty() || value.size() > 2 || (value.size() == 2 && value[1] != "kB"))
      return std::nullopt;
    return scan::to_u64(value[0]);
  }
  return std::nullopt;
}

std::vector<double> cpuinfo_mhz(std::string_view cpuinfo) {
  std::vector<double> mhz;
  for (auto line : scan::lines(cpuinfo)) {
    if (!line.starts_with("cpu MHz")) continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (auto v = scan::to_double(line.substr(colon + 1))) mhz.push_back(*v);
  }
  return mhz;
}

}  // namespace kiln::tools
