// Inventory: what is in the machine, compared with what the tender promised.
// A missing DIMM or a wrong CPU model is a FAIL naming what differs. The
// firmware every part runs is recorded (OCPTV extension "kiln.firmware", the
// report's "firmware") and judged against the delivery's `firmware:` rules.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "stage/bmc_target.hpp"
#include "stages/builtin_stages.hpp"
#include "stages/inventory/firmware_judge.hpp"
#include "stages/inventory/inventory_evidence.hpp"
#include "stages/inventory/inventory_probe.hpp"

namespace kiln::runner {
namespace {

Limit expect_eq(const std::string& name, double v) {
  return Limit{"expected." + name, Comparison::kEqual, v, {}};
}

class InventoryStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("inventory");
    return kInfo;
  }

  void run(StageContext& ctx) override {
    HostInventory inv = probe_inventory(ctx.host, ctx.log_dir);
    ctx.step.evidence("inventory", inventory_evidence(inv));  // what leaves the building
    const ExpectedInventory& want = ctx.config.expected;
    judge_cpu(ctx, inv.cpu, want);
    judge_memory(ctx, inv, want);
    judge_disks(ctx, inv.disks, want);
    judge_nics(ctx, inv.nics, want);
    judge_firmware(ctx, inv);
  }

 private:
  static void judge_firmware(StageContext& ctx, const HostInventory& inv) {
    auto target = bmc_lan_target(ctx.options);  // a bad --bmc is the preliminary stage's error
    const std::optional<tools::IpmiLanTarget> lan = target ? *target : std::nullopt;
    const FirmwareInventory fw = probe_firmware(ctx, inv, lan);
    const auto checks = check_firmware(fw, ctx.config.firmware);
    nlohmann::json content = firmware_json(fw);
    content["requirements"] = checks_json(checks);
    ctx.step.extension("kiln.firmware", std::move(content));
    ctx.step.info(fmt::format(
        "firmware: BIOS {}, BMC {}, CPU microcode {}{}", fw.bios ? fw.bios->version : "unread",
        fw.bmc ? fw.bmc->firmware_text() : "unread", fw.microcode.empty() ? "unread" : fw.microcode,
        fw.microcode_mixed ? " (differs between CPUs: the lowest)" : ""));
    report_firmware_checks(ctx.step, checks);
  }

  // "1 NIC", "3 NICs" (a negative count, which no probe gives, as 0).
  static std::string counted(int n, std::string_view singular, std::string_view plural) {
    return catalog::count_of(static_cast<std::uint64_t>(std::max(n, 0)), singular, plural);
  }

  // `what`: the singular and plural of what is counted ("logical CPU", "logical CPUs").
  static void count(StageContext& ctx, const std::string& name, int have, std::optional<int> want,
                    const std::string& component,
                    std::pair<std::string_view, std::string_view> what) {
    std::vector<Limit> limits;
    if (want) limits.push_back(expect_eq(name, *want));
    auto m = measure(name, static_cast<double>(have), "", component, limits);
    m.key_figure = true;
    ctx.step.measurement(m);
    if (want && have != *want) {
      ctx.step.fail("KILN-INV-COUNT",
                    {{"found", counted(have, what.first, what.second)},
                     {"expected", counted(*want, what.first, what.second)}},
                    component);
    }
  }

  static void judge_cpu(StageContext& ctx, const CpuInventory& cpu, const ExpectedInventory& want) {
    std::vector<Limit> model_limits;
    if (want.cpu_model) {
      model_limits.push_back(Limit{"expected.cpu_model",
                                   Comparison::kRegexMatch,
                                   std::string(".*") + *want.cpu_model + ".*",
                                   {}});
    }
    auto m = measure("cpu_model", cpu.model, "", "CPU", {});
    m.key_figure = true;
    ctx.step.measurement(m);
    if (want.cpu_model && cpu.model.find(*want.cpu_model) == std::string::npos) {
      ctx.step.fail("KILN-INV-CPU-MODEL", {{"model", cpu.model}, {"expected", *want.cpu_model}},
                    "CPU");
    }
    count(ctx, "cpu_sockets", cpu.sockets, want.cpu_sockets, "CPU", {"CPU socket", "CPU sockets"});
    count(ctx, "cpu_cores", cpu.cores, want.cpu_cores, "CPU",
          {"physical CPU core", "physical CPU cores"});
    count(ctx, "cpu_threads", cpu.threads, want.cpu_threads, "CPU",
          {"logical CPU", "logical CPUs"});
  }

  static void judge_memory(StageContext& ctx, const HostInventory& inv,
                           const ExpectedInventory& want) {
    if (inv.memtotal_kib) {
      ctx.step.measurement(measure("memtotal",
                                   static_cast<double>(*inv.memtotal_kib) / (1024.0 * 1024.0),
                                   "GiB", "memory", {}));
    }
    if (!inv.dimm_error.empty()) {
      if (want.dimm_count || want.ram_gib) {
        ctx.step.error("dmidecode-failed",
                       "cannot check DIMMs against the delivery: " + inv.dimm_error);
      } else {
        ctx.step.log(ocptv::LogSeverity::kWarning, "DIMMs not listed: " + inv.dimm_error);
      }
      return;
    }
    std::vector<std::string> empty_slots;
    double installed_mib = 0;
    int installed = 0;
    for (const auto& d : inv.dimms) {
      if (!d.installed) {
        empty_slots.push_back(d.locator);
        continue;
      }
      ++installed;
      installed_mib += static_cast<double>(d.size_mib.value_or(0));
      ctx.step.measurement(measure("dimm_size",
                                   static_cast<double>(d.size_mib.value_or(0)) / 1024.0, "GiB",
                                   fmt::format("DIMM {} (serial {})", d.locator, d.serial), {}));
    }
    double installed_gib = installed_mib / 1024.0;
    std::vector<Limit> ram_limits;
    double tolerance = want.ram_tolerance_gib.value_or(0.0);
    if (want.ram_gib) {
      ram_limits.push_back(Limit{"expected.ram_gib-tolerance",
                                 Comparison::kGreaterThanOrEqual,
                                 *want.ram_gib - tolerance,
                                 {}});
      ram_limits.push_back(Limit{"expected.ram_gib+tolerance",
                                 Comparison::kLessThanOrEqual,
                                 *want.ram_gib + tolerance,
                                 {}});
    }
    auto ram = measure("ram_installed", installed_gib, "GiB", "memory", ram_limits);
    ram.key_figure = true;
    ctx.step.measurement(ram);
    if (want.ram_gib && std::fabs(installed_gib - *want.ram_gib) > tolerance) {
      ctx.step.fail("KILN-INV-RAM",
                    {{"installed", fmt::format("{:.1f}", installed_gib)},
                     {"expected",
                      tolerance > 0 ? fmt::format("{:.1f} \u00b1 {:.1f}", *want.ram_gib, tolerance)
                                    : fmt::format("{:.1f}", *want.ram_gib)}},
                    "memory");
    }
    if (want.dimm_count && installed != *want.dimm_count) {
      count(ctx, "dimm_count", installed, want.dimm_count, "memory", {"DIMM", "DIMMs"});
      // count() already failed with the numbers; name the empty slots too.
      if (!empty_slots.empty()) {
        ctx.step.fail("KILN-INV-DIMMS-EMPTY",
                      {{"slots", fmt::format("{} {}", empty_slots.size() == 1 ? "slot" : "slots",
                                             fmt::join(empty_slots, ", "))},
                       {"expected", counted(*want.dimm_count, "DIMM", "DIMMs")}},
                      "memory");
      }
    } else {
      auto m =
          measure("dimm_count", static_cast<double>(installed), "", "memory",
                  want.dimm_count ? std::vector<Limit>{expect_eq("dimm_count", *want.dimm_count)}
                                  : std::vector<Limit>{});
      m.key_figure = true;
      ctx.step.measurement(m);
    }
  }

  static void judge_disks(StageContext& ctx, const std::vector<DiskInventory>& disks,
                          const ExpectedInventory& want) {
    for (const auto& d : disks) {
      std::string component =
          fmt::format("disk {} ({})", d.serial.empty() ? d.name : d.serial, d.name);
      std::vector<Limit> limits;
      double size_gb = static_cast<double>(d.size_bytes) / 1e9;
      if (want.disk_min_size_gb) {
        limits.push_back(Limit{"expected.disk_min_size_gb",
                               Comparison::kGreaterThanOrEqual,
                               *want.disk_min_size_gb,
                               {}});
      }
      ctx.step.measurement(measure("disk_size", size_gb, "GB", component, limits));
      ctx.step.info(fmt::format("{}: model '{}', serial '{}', {:.1f} GB, {}, {}", d.name, d.model,
                                d.serial, size_gb, d.rotational ? "rotational" : "solid state",
                                d.transport));
      if (want.disk_min_size_gb && size_gb < *want.disk_min_size_gb) {
        ctx.step.fail("KILN-INV-DISK-TOO-SMALL",
                      {{"size", fmt::format("{:.1f}", size_gb)},
                       {"expected", fmt::format("{:.1f}", *want.disk_min_size_gb)}},
                      component);
      }
      if (!want.disk_models.empty() &&
          std::none_of(want.disk_models.begin(), want.disk_models.end(), [&](const std::string& m) {
            return d.model.find(m) != std::string::npos;
          })) {
        ctx.step.fail("KILN-INV-DISK-MODEL",
                      {{"model", d.model},
                       {"expected", fmt::format("{}", fmt::join(want.disk_models, ", "))}},
                      component);
      }
    }
    count(ctx, "disk_count", static_cast<int>(disks.size()), want.disk_count, "disks",
          {"disk", "disks"});
  }

  static void judge_nics(StageContext& ctx, const std::vector<NicInventory>& nics,
                         const ExpectedInventory& want) {
    for (const auto& n : nics) {
      std::string component = fmt::format("NIC {} (MAC {}, PCI {})", n.name, n.mac, n.pci_address);
      std::vector<Limit> limits;
      if (want.nic_speed_mbps) {
        limits.push_back(Limit{"expected.nic_speed_mbps",
                               Comparison::kGreaterThanOrEqual,
                               static_cast<double>(*want.nic_speed_mbps),
                               {}});
      }
      if (n.speed_mbps) {
        ctx.step.measurement(
            measure("nic_speed", static_cast<double>(*n.speed_mbps), "Mb/s", component, limits));
      } else if (want.nic_speed_mbps) {
        ctx.step.fail("KILN-INV-NIC-NO-LINK",
                      {{"operstate", n.operstate.empty() ? "unknown" : n.operstate},
                       {"expected", std::to_string(*want.nic_speed_mbps)}},
                      component);
      }
    }
    count(ctx, "nic_count", static_cast<int>(nics.size()), want.nic_count, "network",
          {"NIC", "NICs"});
  }
};

}  // namespace

std::unique_ptr<Stage> make_inventory_stage() {
  return std::make_unique<InventoryStage>();
}

}  // namespace kiln::runner
