// Preliminary checks (CERN's rule): a server without its delivery's asset tag
// and serial in the FRU cannot be traced to an invoice, so it does not pass.
#include <fmt/format.h>

#include "kiln/text.hpp"
#include "stages/builtin_stages.hpp"
#include "tools/dmidecode.hpp"

namespace kiln::runner {
namespace {

class PreliminaryStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo{
        "preliminary",
        "FRU Product Asset Tag and Product Serial are set; the serial matches DMI when the "
        "delivery requires it",
        {},
        false};
    return kInfo;
  }

  void run(StageContext& ctx) override {
    const auto& fru = ctx.node.fru;
    std::string tag(trim(fru.product_asset_tag));
    std::string serial(trim(fru.product_serial));
    ctx.step.measurement(measure("fru.product_asset_tag", tag, "", "FRU", {}));
    ctx.step.measurement(measure("fru.product_serial", serial, "", "FRU", {}));
    if (tag.empty()) {
      ctx.step.fail("fru-asset-tag-missing",
                    "FRU Product Asset Tag is empty: write the delivery/purchase order number into "
                    "the BMC FRU (ipmitool fru edit 0 field p 5 <tag>) so the node can be traced",
                    "FRU");
    } else if (!ctx.config.delivery_matched) {
      ctx.step.info(fmt::format("asset tag '{}' matches no delivery: default delivery '{}' applies",
                                tag, ctx.config.delivery_tag));
    }
    if (serial.empty() || tools::is_placeholder_serial(serial)) {
      ctx.step.fail("fru-serial-missing",
                    fmt::format("FRU Product Serial is {}: the vendor must program the chassis "
                                "serial into the BMC FRU",
                                serial.empty() ? "empty" : "a placeholder ('" + serial + "')"),
                    "FRU");
    }
    if (!ctx.config.require_serial_match_dmi) return;
    if (ctx.node.dmi_system_serial.empty()) {
      ctx.step.error("dmi-unreadable",
                     fmt::format("the delivery requires the FRU serial to match DMI, but the DMI "
                                 "system serial could not be read: {}",
                                 ctx.node.dmi_error.empty() ? "empty" : ctx.node.dmi_error));
      return;
    }
    ctx.step.measurement(measure("dmi.system_serial", ctx.node.dmi_system_serial, "", "DMI",
                                 {Limit{"fru.product_serial", Comparison::kEqual, serial, {}}}));
    if (trim(ctx.node.dmi_system_serial) != serial) {
      ctx.step.fail("serial-mismatch",
                    fmt::format("FRU Product Serial '{}' differs from DMI system serial '{}': the "
                                "BMC FRU or the board was swapped",
                                serial, ctx.node.dmi_system_serial),
                    "FRU");
    }
  }
};

}  // namespace

std::unique_ptr<Stage> make_preliminary_stage() { return std::make_unique<PreliminaryStage>(); }

}  // namespace kiln::runner
