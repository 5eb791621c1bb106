// ipmitool's text: fru print, sdr, sensor, sel, the BMC configuration reads
// (lan print, sel info, channel getaccess) and user list.
#include "fuzz_check.hpp"
#include "fuzz_target.hpp"
#include "tools/ipmitool_bmc_config.hpp"
#include "tools/ipmitool_fru.hpp"
#include "tools/ipmitool_sdr.hpp"
#include "tools/ipmitool_sel.hpp"

namespace kiln::fuzz {
namespace {

void fru(std::string_view input) {
  check(tools::parse_ipmitool_fru(input));
}
void sdr(std::string_view input) {
  check(tools::parse_ipmitool_sdr(input));
}
void sensor(std::string_view input) {
  check(tools::parse_ipmitool_sensor(input));
}
void sel(std::string_view input) {
  check(tools::parse_ipmitool_sel(input));
}
void bmc_config(std::string_view input) {
  check(tools::parse_ipmitool_lan_print(input));
  check(tools::parse_ipmitool_sel_entries(input));
  check(tools::parse_ipmitool_enabled_user_count(input));
  (void)tools::parse_ipmitool_user_enabled(input);
}
void user_list(std::string_view input) {
  check(tools::parse_ipmitool_user_list(input));
}

KILN_FUZZ_TARGET("ipmitool-fru", fru);
KILN_FUZZ_TARGET("ipmitool-sdr", sdr);
KILN_FUZZ_TARGET("ipmitool-sensor", sensor);
KILN_FUZZ_TARGET("ipmitool-sel", sel);
KILN_FUZZ_TARGET("ipmitool-bmc-config", bmc_config);
KILN_FUZZ_TARGET("ipmitool-user-list", user_list);

}  // namespace
}  // namespace kiln::fuzz
