// What the disk tools print: smartctl -j, nvme-cli (id-ctrl, sanitize-log,
// JSON or text), hdparm (-I, -N, --dco-identify), sg_opcodes, badblocks.
#include "fuzz_check.hpp"
#include "fuzz_target.hpp"
#include "tools/badblocks.hpp"
#include "tools/hdparm.hpp"
#include "tools/nvme_cli.hpp"
#include "tools/sg3_utils.hpp"
#include "tools/smartctl.hpp"

namespace kiln::fuzz {
namespace {

void smartctl(std::string_view input) {
  check(tools::parse_smartctl_json(input));
}
void nvme_cli(std::string_view input) {
  check(tools::parse_nvme_id_ctrl(input));
  check(tools::parse_nvme_sanitize_log(input));
}
void hdparm(std::string_view input) {
  check(tools::parse_hdparm_identify(input));
  check(tools::parse_hdparm_max_sectors(input));
  check(tools::parse_hdparm_dco_real_max(input));
}
void sg3_utils(std::string_view input) {
  check(tools::parse_sg_opcodes(input));
}
// stdout and stderr apart (split at a NUL byte), and as one 2>&1 capture.
void badblocks(std::string_view input) {
  auto [block_list, log] = split_at_nul(input);
  auto parsed = tools::parse_badblocks(block_list, log);
  check(parsed);
  if (parsed) (void)parsed->bad_block_count();
  check(tools::parse_badblocks({}, input));
}

KILN_FUZZ_TARGET("smartctl-json", smartctl);
KILN_FUZZ_TARGET("nvme-cli", nvme_cli);
KILN_FUZZ_TARGET("hdparm", hdparm);
KILN_FUZZ_TARGET("sg3-utils", sg3_utils);
KILN_FUZZ_TARGET("badblocks", badblocks);

}  // namespace
}  // namespace kiln::fuzz
