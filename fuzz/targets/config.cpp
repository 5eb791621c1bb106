// The YAML configuration: a profile, a delivery (resolved against the source
// tree's profiles for a node of that delivery) and orchestrator.yaml.
#include "kiln/config.hpp"

#include "config/orchestrator_config.hpp"
#include "fuzz_check.hpp"
#include "fuzz_target.hpp"
#include "kiln/fru.hpp"
#include "kiln/json_input.hpp"

namespace kiln::fuzz {
namespace {

void profile(std::string_view input) {
  check(parse_profile(input, "fuzz/profile.yaml"));
}

void delivery(std::string_view input) {
  auto parsed = parse_delivery(input, "fuzz/delivery.yaml");
  check(parsed);
  if (!parsed) return;
  static const ConfigSet source = [] {
    auto loaded = load_config_dir(KILN_SOURCE_DIR "/configs");
    require(loaded.ok(), "configs/ of the source tree loads");
    return *loaded;
  }();
  ConfigSet configs = source;
  configs.deliveries[parsed->tag] = *parsed;
  FruInfo fru;
  fru.product_asset_tag = parsed->tag;
  if (!parsed->overrides.empty()) fru.product_serial = parsed->overrides.front().serial;
  auto resolved = resolve(configs, fru);
  check(resolved);
  if (resolved) (void)to_json(*resolved).dump();
}

void orchestrator(std::string_view input) {
  check(orchestrator::parse_orchestrator_config(std::string(input), "fuzz/orchestrator.yaml"));
}

KILN_FUZZ_TARGET("config-profile", profile);
KILN_FUZZ_TARGET("config-delivery", delivery);
KILN_FUZZ_TARGET("config-orchestrator", orchestrator);

}  // namespace
}  // namespace kiln::fuzz
