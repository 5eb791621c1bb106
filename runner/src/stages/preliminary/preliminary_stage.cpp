// Preliminary checks (CERN's rules): a server without its delivery's asset tag
// and serial in the FRU cannot be traced to an invoice, so it does not pass;
// with `require_network_boot_first` its UEFI BootOrder must start with a
// network boot, or a reinstall from the provisioning system boots the old OS.
#include <fmt/format.h>

#include <chrono>

#include "kiln/text.hpp"
#include "stage/tool_command.hpp"
#include "stages/builtin_stages.hpp"
#include "stages/preliminary/boot_order.hpp"
#include "tools/dmidecode.hpp"
#include "tools/efibootmgr.hpp"

namespace kiln::runner {
namespace {

class PreliminaryStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("preliminary");
    return kInfo;
  }

  void run(StageContext& ctx) override {
    const auto& fru = ctx.node.fru;
    std::string tag(trim(fru.product_asset_tag));
    std::string serial(trim(fru.product_serial));
    ctx.step.measurement(measure("fru.product_asset_tag", tag, "", "FRU", {}));
    ctx.step.measurement(measure("fru.product_serial", serial, "", "FRU", {}));
    if (tag.empty()) {
      ctx.step.fail("KILN-FRU-ASSET-TAG-MISSING", std::vector<catalog::FailureArg>{}, "FRU");
    } else if (!ctx.config.delivery_matched) {
      ctx.step.info(fmt::format("asset tag '{}' matches no delivery: default delivery '{}' applies",
                                tag, ctx.config.delivery_tag));
    }
    if (serial.empty() || tools::is_placeholder_serial(serial)) {
      ctx.step.fail(
          "KILN-FRU-SERIAL-MISSING",
          {{"serial", serial.empty() ? "empty" : fmt::format("a placeholder ('{}')", serial)}},
          "FRU");
    }
    if (ctx.config.require_serial_match_dmi) check_dmi_serial(ctx, serial);
    if (ctx.config.require_network_boot_first) check_network_boot_first(ctx);
  }

 private:
  static void check_dmi_serial(StageContext& ctx, const std::string& serial) {
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
      ctx.step.fail("KILN-FRU-SERIAL-MISMATCH",
                    {{"fru_serial", serial}, {"dmi_serial", ctx.node.dmi_system_serial}}, "FRU");
    }
  }

  static void check_network_boot_first(StageContext& ctx) {
    if (!ctx.host.exists("/sys/firmware/efi")) {  // legacy BIOS: not readable, never passed
      ctx.step.diagnosis({"boot-order-unknown", DiagnosisType::kUnknown,
                          "the delivery requires network boot first, but this node booted in "
                          "legacy BIOS mode, where the boot order cannot be read in-band (the "
                          "IPMI boot flags only show a one-time override): check the BIOS setup "
                          "by hand, or switch the node to UEFI",
                          "boot order"});
      ctx.step.evidence("boot_order", "legacy BIOS: not readable in-band");
      return;
    }
    auto argv = tools::efibootmgr_argv();
    auto result = run_tool(ctx, argv, std::chrono::seconds(30), "efibootmgr");
    if (!result || !result->exited_with(0)) {
      report_tool_failure(ctx, argv, result, "efibootmgr-failed",
                          "efivarfs must be mounted on /sys/firmware/efi/efivars");
      return;
    }
    auto config = tools::parse_efibootmgr(result->stdout_text);
    if (!config) {
      ctx.step.error("efibootmgr-unparsable", config.error().message);
      return;
    }
    auto order = describe_boot_order(*config);
    ctx.step.evidence("boot_order", order);
    if (auto problem = network_boot_first_problem(*config)) {
      ctx.step.fail(
          "KILN-BOOT-NOT-NETWORK-FIRST",
          {{"first", problem->first}, {"order", problem->order}, {"network", problem->network}},
          "boot order");
    } else {
      ctx.step.pass("boot-order-network-first",
                    "UEFI BootOrder starts with a network boot: " + order, "boot order");
    }
  }
};

}  // namespace

std::unique_ptr<Stage> make_preliminary_stage() {
  return std::make_unique<PreliminaryStage>();
}

}  // namespace kiln::runner
