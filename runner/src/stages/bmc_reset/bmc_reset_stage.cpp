// bmc-reset: the BMC's factory reset for a decommission, over the in-band
// interface (or --bmc LAN): SEL cleared, every user but the policy's kept one
// disabled, stripped of privilege and password and renamed, the LAN channel
// set to the policy (DHCP, no address, no gateway), optionally a cold reset.
// Every change is read back and judged; a change the BMC did not take FAILs.
#include <fmt/format.h>

#include <random>
#include <thread>

#include "stage/bmc_target.hpp"
#include "stage/decommission_gate.hpp"
#include "stage/tool_command.hpp"
#include "stages/bmc_reset/bmc_policy.hpp"
#include "stages/builtin_stages.hpp"

namespace kiln::runner {
namespace {

class BmcResetStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("bmc-reset");
    return kInfo;
  }

  void run(StageContext& ctx) override {
    if (std::string refusal = wipe_refusal(ctx.options); !refusal.empty()) {
      ctx.step.evidence("bmc", {{"result", "refused"}, {"reason", refusal}});
      ctx.step.error("bmc-reset-refused", "bmc-reset: nothing was changed: " + refusal);
      return;
    }
    auto policy = read_bmc_policy(ctx);
    if (!policy) {
      ctx.step.error("bad-parameter", policy.error().message);
      return;
    }
    auto target = bmc_lan_target(ctx.options);
    if (!target) {
      ctx.step.error("bmc-address-invalid", target.error().message);
      return;
    }
    const std::optional<tools::IpmiLanTarget>& lan = *target;
    BmcSession bmc(ctx, lan, *policy);
    bmc.evidence["interface"] = lan ? "lan " + ctx.options.bmc_host : "in-band (/dev/ipmi0)";
    bmc.evidence["kept_user"] = policy->keep_user;
    bmc.evidence["fru"] = "kept (the FRU is the hardware's identity)";
    bmc.run_all();
    bmc.evidence["result"] = bmc.result();
    ctx.step.evidence("bmc", bmc.evidence);
  }
};

}  // namespace

std::unique_ptr<Stage> make_bmc_reset_stage() {
  return std::make_unique<BmcResetStage>();
}

}  // namespace kiln::runner
