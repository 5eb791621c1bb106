// Feeds every captured real-world output in ../shared/real-outputs to the
// matching parser: each must return (a value, or an Error with a message) and
// never crash, also when cut short. Then checks facts read from several files.
// Hermetic builds without ../shared skip it.
#include "kiln_test_paths.hpp"
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "runner/tools/tool_test_data.hpp"
#include "tools/badblocks.hpp"
#include "tools/dmidecode.hpp"
#include "tools/fio.hpp"
#include "tools/iperf3.hpp"
#include "tools/ipmitool_fru.hpp"
#include "tools/ipmitool_sdr.hpp"
#include "tools/ipmitool_sel.hpp"
#include "tools/smartctl.hpp"
#include "tools/stress_ng.hpp"

namespace kiln::tools {
namespace {

namespace fs = std::filesystem;

const fs::path kRealOutputs = fs::path(KILN_SHARED_DIR) / "real-outputs";

#define KILN_REQUIRE_REAL_OUTPUTS()                                              \
  if (!fs::is_directory(kRealOutputs)) {                                         \
    GTEST_SKIP() << "../shared/real-outputs not present; survival test skipped"; \
  }

std::string real(std::string_view folder, std::string_view name) {
  return testing::read_file(kRealOutputs / folder / name);
}

// A parser result reduced to what survival needs.
struct Outcome {
  bool ok = false;
  std::string error_message;
};

template <class T>
Outcome outcome(const Expected<T>& e) {
  return Outcome{e.ok(), e.ok() ? std::string{} : e.error().message};
}

using Parser = std::function<std::vector<Outcome>(const std::string&)>;

std::map<std::string, Parser> parsers_by_folder() {
  return {
      {"ipmitool-fru",
       [](const std::string& t) { return std::vector{outcome(parse_ipmitool_fru(t))}; }},
      {"ipmitool-sdr",
       [](const std::string& t) { return std::vector{outcome(parse_ipmitool_sdr(t))}; }},
      {"ipmitool-sensor",
       [](const std::string& t) { return std::vector{outcome(parse_ipmitool_sensor(t))}; }},
      {"ipmitool-sel",
       [](const std::string& t) { return std::vector{outcome(parse_ipmitool_sel(t))}; }},
      {"dmidecode", [](const std::string& t) { return std::vector{outcome(parse_dmidecode(t))}; }},
      {"smartctl-json",
       [](const std::string& t) { return std::vector{outcome(parse_smartctl_json(t))}; }},
      // No text parser: smartctl is run with -j. The text captures must still be refused cleanly.
      {"smartctl-text",
       [](const std::string& t) { return std::vector{outcome(parse_smartctl_json(t))}; }},
      {"stress-ng",
       [](const std::string& t) {
         return std::vector{outcome(parse_stress_ng_yaml(t)), outcome(parse_stress_ng_console(t))};
       }},
      {"fio-json", [](const std::string& t) { return std::vector{outcome(parse_fio_json(t))}; }},
      {"iperf3-json",
       [](const std::string& t) {
         return std::vector{outcome(parse_iperf3_json(t)), outcome(parse_iperf3_json_all(t))};
       }},
      {"badblocks",
       [](const std::string& t) {
         return std::vector{outcome(parse_badblocks("", t)), outcome(parse_badblocks(t, ""))};
       }},
  };
}

TEST(RealOutputsSurvival, EveryFileEveryCut) {
  KILN_REQUIRE_REAL_OUTPUTS();
  auto parsers = parsers_by_folder();
  int files = 0;
  for (const auto& folder : fs::directory_iterator(kRealOutputs)) {
    if (!folder.is_directory()) continue;
    std::string name = folder.path().filename().string();
    auto it = parsers.find(name);
    if (it == parsers.end()) {
      std::cout << "[ INFO     ] no kiln_tools parser for real-outputs/" << name << "/, skipped\n";
      continue;
    }
    for (const auto& file : fs::directory_iterator(folder.path())) {
      if (!file.is_regular_file()) continue;
      std::string text = testing::read_file(file.path());
      ++files;
      for (std::size_t cut : {text.size(), text.size() / 3, text.size() / 2, text.size() * 2 / 3,
                              std::size_t{1}, std::size_t{0}}) {
        for (const Outcome& o : it->second(text.substr(0, cut))) {
          EXPECT_TRUE(o.ok || !o.error_message.empty())
              << file.path() << " cut at " << cut << ": error without a message";
        }
      }
    }
  }
  EXPECT_GT(files, 50);
}

struct FruFact {
  const char* file;
  const char* product_serial;
  const char* product_asset_tag;
  const char* board_serial;
};

TEST(RealOutputsFacts, FruSerialsAndAssetTags) {
  KILN_REQUIRE_REAL_OUTPUTS();
  const FruFact facts[] = {
      {"ast2300-board-only-no-mfg.txt", "", "", "37030-1513-00248"},
      {"dell-r210-ii-minimal.txt", "6T7NZY1", "", "CN7082135J3EYD"},
      {"dell-r630-ps2-not-present.txt", "2WF88P2", "", "CNIVC007CQ1846"},
      {"dell-r640-empty-asset-tag.txt", "2RJF153", "", "CNIVC0005G0184"},
      {"dell-r720xd-idrac7-no-id.txt", "7PPDY12", "", "CN7016346K000G"},
      {"hp-dl360-g6-all-serials-empty.txt", "", "", ""},
      {"hp-dl360-g7-all-serials-empty.txt", "", "", ""},
      {"hp-dl360-g7-dimm-spd.txt", "CZJ1280RQ2", "", "CZJ1280RQ2"},
      {"hp-dl360p-gen8-bmc-cpu-dimm.txt", "USE2236835", "", "USE2236835"},
      {"intel-s7200ap-dotted-placeholders.txt", "............", "....................",
       "QSAD73702029"},
      {"openbmc-evb-fru-list-0-no-header-utc-date.txt", "12345789", "", ""},
      {"openbmc-evb-fru-list-builtin-empty-id1-not-present.txt", "", "", ""},
      {"quanta-s210-x12rs-v2-duplicate-ast2300-fp-fru-board-only.txt", "QTFCEV4120280", "",
       "QTF3EV41400432"},
      {"sun-x2200-m2-builtin-not-present.txt", "0732QBT057", "", "2029QTF0723MT0459"},
  };
  for (const auto& f : facts) {
    auto fru = parse_ipmitool_fru(real("ipmitool-fru", f.file));
    ASSERT_TRUE(fru.ok()) << f.file << ": " << fru.error().message;
    EXPECT_EQ(fru->product_serial, f.product_serial) << f.file;
    EXPECT_EQ(fru->product_asset_tag, f.product_asset_tag) << f.file;
    EXPECT_EQ(fru->board_serial, f.board_serial) << f.file;
  }
  auto hp = parse_ipmitool_fru(real("ipmitool-fru", "hp-dl360p-gen8-bmc-cpu-dimm.txt"));
  EXPECT_EQ(hp->chassis_serial, "USE2236835");
  EXPECT_EQ(hp->product_name, "ProLiant DL360p Gen8");
  EXPECT_EQ(hp->devices[3].fields.at("Product Name"), "Intel(R) Xeon(R) CPU E5-2640 0 @ 2.50GHz");
}

TEST(RealOutputsFacts, SensorsAndSel) {
  KILN_REQUIRE_REAL_OUTPUTS();
  auto r320 =
      parse_ipmitool_sdr(real("ipmitool-sdr", "dell-r320-sdr-list-full-two-dead-fans-cr.txt"));
  ASSERT_TRUE(r320.ok());
  int critical = 0;
  for (const auto& s : *r320) {
    if (s.name == "Fan3B" || s.name == "Fan4B") {
      EXPECT_EQ(s.status, "cr");
    }
    critical += crossed_critical(s) ? 1 : 0;
  }
  EXPECT_EQ(critical, 2);

  auto v1811 = parse_ipmitool_sdr(real("ipmitool-sdr", "rackhd-sdr-v-ipmitool-1.8.11-format.txt"));
  ASSERT_TRUE(v1811.ok());
  EXPECT_EQ(v1811->front().name, "Pwr Unit Status");

  auto sel = parse_ipmitool_sel(real(
      "ipmitool-sel", "hpe-acpi-power-preinit-timestamps-oem-records-psu-redundancy-lost.txt"));
  ASSERT_TRUE(sel.ok());
  int critical_sel = 0;
  for (const auto& e : *sel)
    critical_sel += classify_sel_entry(e) == SelSeverity::kCritical ? 1 : 0;
  EXPECT_GE(critical_sel, 2);  // "Failure detected" on both power supplies
}

TEST(RealOutputsFacts, Dmidecode) {
  KILN_REQUIRE_REAL_OUTPUTS();
  auto r720 = parse_dmidecode(real("dmidecode", "dell-poweredge-r720xd-full-dmidecode-2.12.txt"));
  ASSERT_TRUE(r720.ok());
  EXPECT_EQ(r720->memory_devices.size(), 24U);
  EXPECT_EQ(r720->installed_dimm_count(), 8U);
  auto gen8 = parse_dmidecode(real("dmidecode", "hp-proliant-dl360p-gen8-full-dmidecode-3.0.txt"));
  ASSERT_TRUE(gen8.ok());
  EXPECT_EQ(gen8->system.serial, "USE2236835");  // trailing space trimmed
  auto ssg = parse_dmidecode(real("dmidecode", "supermicro-ssg-6028r-full-dmidecode-3.0.txt"));
  ASSERT_TRUE(ssg.ok());
  EXPECT_EQ(ssg->installed_dimm_count(), 4U);
  auto quanta = parse_dmidecode(real("dmidecode", "quanta-s2s-full-dmidecode-2.12.txt"));
  ASSERT_TRUE(quanta.ok());
  EXPECT_TRUE(is_placeholder_serial("To be filled by O.E.M."));
}

TEST(RealOutputsFacts, Smartctl) {
  KILN_REQUIRE_REAL_OUTPUTS();
  struct Fact {
    const char* file;
    std::optional<bool> passed;
  };
  const Fact facts[] = {
      {"sata-hdd-hitachi-7k1000d-failed-health-realloc1975-pending8-usbjmicron.json", false},
      {"nvme-samsung-pm1725a-critical-warning-16-failed-exit8-redacted.json", false},
      {"nvme-micron-9300-dell-r6515-healthy.json", true},
      {"sata-hdd-hgst-hus728t8tale6l4-supermicro-x11dph-t.json", true},
      {"intel-raid1-volume-no-smart-exit4.json", std::nullopt},
      {"windows-open-failed-exit2.json", std::nullopt},
  };
  for (const auto& f : facts) {
    auto s = parse_smartctl_json(real("smartctl-json", f.file));
    ASSERT_TRUE(s.ok()) << f.file << ": " << s.error().message;
    EXPECT_EQ(s->health_passed, f.passed) << f.file;
  }
  auto raid = parse_smartctl_json(real("smartctl-json", "intel-raid1-volume-no-smart-exit4.json"));
  EXPECT_EQ(raid->serial, "Volume1");
  EXPECT_EQ(raid->exit_status, 4);
  auto corsair = parse_smartctl_json(
      real("smartctl-json", "nvme-corsair-force-mp510-errlog8382-anonymised.json"));
  EXPECT_EQ(corsair->nvme->num_err_log_entries, 8382U);
  EXPECT_EQ(corsair->nvme->media_errors, 0U);
  auto scsi = parse_smartctl_json(
      real("smartctl-json", "scsi-seagate-st373453lc-grown-defects260-redacted.json"));
  EXPECT_EQ(scsi->scsi_grown_defects, 260U);
  auto megaraid = parse_smartctl_json(
      real("smartctl-json", "sata-hdd-seagate-st6000nm0115-megaraid14-exit4-smartctl71.json"));
  EXPECT_EQ(megaraid->device_type, "sat+megaraid,14");
  for (const char* text : {"sata-hdd-seagate-st8000nm0055-failed-realloc5168-pending48.txt",
                           "nvme-intel-p4510-media-errors-4294967296.txt"}) {
    EXPECT_FALSE(parse_smartctl_json(real("smartctl-text", text)).ok()) << text;
  }
}

TEST(RealOutputsFacts, FioIperfStressBadblocks) {
  KILN_REQUIRE_REAL_OUTPUTS();
  auto ssd = parse_fio_json(
      real("fio-json", "hp-dl380g8-p420i-intel-s4610-sata-ssd-randread-qd32-fio3.1.json"));
  ASSERT_TRUE(ssd.ok());
  EXPECT_GT(ssd->jobs[0].read.iops, 10000);
  auto raid = parse_fio_json(
      real("fio-json", "ibm-m1015-mdadm-raid5-8x2tb-randwrite-qd1-disk_util-aggr-fio3.1.json"));
  ASSERT_TRUE(raid.ok());
  EXPECT_GT(raid->jobs[0].write.iops, 0);
  auto pkb217 = parse_fio_json(real("fio-json", "pkb-fio-2.17-randrw-16k-two-jobs.json"));
  ASSERT_TRUE(pkb217.ok());
  EXPECT_EQ(pkb217->jobs[0].name, "rand_16k_read_100%-io-depth-1-num-jobs-2");
  EXPECT_EQ(pkb217->jobs[0].read.io_bytes, 1294256U * 1024U);

  auto two =
      parse_iperf3_json_all(real("iperf3-json", "cloudpilot-two-concatenated-json-documents.json"));
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2U);

  auto ctx = parse_stress_ng_console(
      real("stress-ng", "pkb-stress-ng-metrics-brief-context-old-format.txt"));
  ASSERT_TRUE(ctx.ok());
  ASSERT_EQ(ctx->metrics.size(), 1U);
  EXPECT_DOUBLE_EQ(ctx->metrics[0].bogo_ops, 22429);
  EXPECT_EQ(ctx->run_successful, true);

  auto bb = parse_badblocks(
      "", real("badblocks", "davetang-nvme-v-20-bad-blocks-4-block-clusters-read-errors.txt"));
  ASSERT_TRUE(bb.ok());
  EXPECT_EQ(bb->bad_blocks.size(), 20U);
}

}  // namespace
}  // namespace kiln::tools
