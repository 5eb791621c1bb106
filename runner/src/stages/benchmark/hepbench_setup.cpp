#include "stages/benchmark/hepbench_setup.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "stage/stage_params.hpp"

namespace kiln::runner {

Expected<hepbench::RunLength> parse_bench_length(const std::string& text) {
  if (text == "quick") return hepbench::quick_length();
  if (text == "standard") return hepbench::standard_length();
  if (text.starts_with("box=")) {
    auto d = parse_duration(text.substr(4));
    if (!d) return d.error();
    if (d->count() <= 0) return make_error("KILN-CONFIG", "benchmark length box= must be > 0");
    return hepbench::RunLength::time_box(*d);
  }
  return make_error("KILN-CONFIG",
                    fmt::format("benchmark length '{}': use quick, standard or box=<duration>", text));
}

Expected<hepbench::CopyPolicy> parse_copy_policy(const std::string& text) {
  if (text == "logical") return hepbench::CopyPolicy{hepbench::CopyPlacement::kPerLogicalCpu, 0};
  if (text == "physical") return hepbench::CopyPolicy{hepbench::CopyPlacement::kPerPhysicalCore, 0};
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n == 0) {
    return make_error("KILN-CONFIG", fmt::format("benchmark copies '{}': use logical, physical or a count >= 1", text));
  }
  return hepbench::CopyPolicy{hepbench::CopyPlacement::kFixedCount, n};
}

Expected<hepbench::Reference> load_bench_reference(const std::filesystem::path& config_dir) {
  auto path = config_dir / "hepbench-reference.yaml";
  std::ifstream in(path);
  if (!in) {
    return make_error("KILN-CONFIG", fmt::format("cannot read the benchmark reference {}", path.string()),
                      "ship configs/hepbench-reference.yaml with the configuration");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return hepbench::load_reference(ss.str(), path.string());
}

Expected<std::vector<int>> bench_cpus(HostAdapter& host, const hepbench::CopyPolicy& policy) {
  hepbench::SysfsReader read = [&host](const std::string& path) -> std::optional<std::string> {
    auto text = host.read_file(path);
    if (!text) return std::nullopt;
    return *text;
  };
  return hepbench::plan_copy_cpus(policy, read);
}

}  // namespace kiln::runner
