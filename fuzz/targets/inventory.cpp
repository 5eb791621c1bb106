// What identifies a server: dmidecode's text, and the FRU (ipmitool fru print)
// taken all the way to the configuration it selects (asset tag -> delivery,
// product serial -> override) against the source tree's configs/.
#include "fuzz_check.hpp"
#include "fuzz_target.hpp"
#include "kiln/config.hpp"
#include "kiln/json_input.hpp"
#include "tools/dmidecode.hpp"
#include "tools/ipmitool_fru.hpp"
#include "tools/text_scan.hpp"

namespace kiln::fuzz {
namespace {

void dmidecode(std::string_view input) {
  check(tools::parse_dmidecode(input));
  for (auto line : tools::scan::lines(input)) {
    (void)tools::parse_dmi_size_mib(line);
    (void)tools::is_placeholder_serial(line);
  }
}

const ConfigSet& source_configs() {
  static const ConfigSet configs = [] {
    auto loaded = load_config_dir(KILN_SOURCE_DIR "/configs");
    require(loaded.ok(), "configs/ of the source tree loads");
    return *loaded;
  }();
  return configs;
}

void fru(std::string_view input) {
  auto parsed = tools::parse_ipmitool_fru(input);
  check(parsed);
  if (!parsed) return;
  auto resolved = resolve(source_configs(), *parsed);
  check(resolved);
  if (resolved) (void)to_json(*resolved).dump();
}

KILN_FUZZ_TARGET("dmidecode", dmidecode);
KILN_FUZZ_TARGET("fru", fru);

}  // namespace
}  // namespace kiln::fuzz
