#include "stage/bmc_target.hpp"

#include "cli/fru_source.hpp"

namespace kiln::runner {

Expected<std::optional<tools::IpmiLanTarget>> bmc_lan_target(const RunOptions& options) {
  if (options.bmc_host.empty()) return std::optional<tools::IpmiLanTarget>{};
  auto target = parse_bmc_address(options.bmc_host, options.bmc_user, options.bmc_password);
  if (!target) return target.error();
  return std::optional<tools::IpmiLanTarget>{std::move(*target)};
}

}  // namespace kiln::runner
