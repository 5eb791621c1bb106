// The preliminary stage's boot-order rule (`require_network_boot_first`) on the
// efibootmgr -v output of real OVMF machines (tests/data/efibootmgr): FAIL with
// the order and the remedy when a disk comes first, PASS when the network does,
// never a PASS on legacy BIOS (an UNKNOWN diagnosis saying why), an ERROR when
// efibootmgr cannot read the variables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/stage_harness.hpp"

namespace kiln::runner::testing {
namespace {

using ::testing::HasSubstr;

struct BootOrderHarness : StageHarness {
  BootOrderHarness() {
    node.fru.product_asset_tag = "PO-2026-0042";
    node.fru.product_serial = "KILN-DEMO-0001";
    config.delivery_matched = true;
    config.require_network_boot_first = true;
  }
  void uefi(const std::string& efibootmgr_output) {
    host.add_dir("/sys/firmware/efi");
    host.on({"efibootmgr", "-v"}, FakeHostAdapter::exited(0, efibootmgr_output));
  }
  [[nodiscard]] const Diagnosis* diagnosis(const std::string& verdict) const {
    for (const auto& d : record.diagnoses) {
      if (d.verdict == verdict) return &d;
    }
    return nullptr;
  }
};

TEST(NetworkBootFirst, DiskFirstOnOvmfFailsNamingTheOrderAndTheRemedy) {
  BootOrderHarness h;
  h.uefi(test_data("efibootmgr", "ovmf-disk-first.txt"));
  EXPECT_EQ(h.run("preliminary"), Outcome::fail());
  EXPECT_THAT(h.failures(), HasSubstr("KILN-BOOT-NOT-NETWORK-FIRST [boot order]"));
  KILN_EXPECT_FAILURE(
      h.record, "KILN-BOOT-NOT-NETWORK-FIRST",
      "the delivery requires booting from the network before disk; BootOrder has Boot0001 'UEFI "
      "Misc Device' first, not a network boot (order: 0001 UEFI Misc Device, 0002 UEFI PXEv4 "
      "(MAC:525400123456), 0003 UEFI PXEv4 (MAC:525400123456) 2, 0004 UEFI PXEv6 "
      "(MAC:525400123456), 0005 UEFI HTTPv4 (MAC:525400123456), 0006 UEFI HTTPv6 "
      "(MAC:525400123456), and 2 more); the first network boot is Boot0002 (in-band: efibootmgr "
      "-o 0002,...) \u2014 put the network boot first in the firmware setup (or in-band as "
      "shown) and run the burn-in again");
  EXPECT_EQ(h.record.evidence["boot_order"].get<std::string>().rfind("0001 UEFI Misc Device", 0),
            0U)
      << h.record.evidence.dump();
}

TEST(NetworkBootFirst, NetworkFirstOnOvmfPasses) {
  BootOrderHarness h;
  h.uefi(test_data("efibootmgr", "ovmf-network-first.txt"));
  EXPECT_EQ(h.run("preliminary"), Outcome::pass());
  const auto* d = h.diagnosis("boot-order-network-first");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->type, DiagnosisType::kPass);
  EXPECT_THAT(d->message, HasSubstr("0002 UEFI PXEv4"));
}

TEST(NetworkBootFirst, LegacyBiosIsNeverAPass) {
  BootOrderHarness h;  // no /sys/firmware/efi
  h.run("preliminary");
  EXPECT_FALSE(h.host.ran({"efibootmgr"}));
  const auto* d = h.diagnosis("boot-order-unknown");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->type, DiagnosisType::kUnknown);
  EXPECT_THAT(d->message, HasSubstr("legacy BIOS"));
  EXPECT_EQ(h.diagnosis("boot-order-network-first"), nullptr);
}

TEST(NetworkBootFirst, UnreadableVariablesAreAHarnessError) {
  BootOrderHarness h;
  h.host.add_dir("/sys/firmware/efi");
  h.host.on({"efibootmgr"},
            FakeHostAdapter::exited(2, "", test_data("efibootmgr", "legacy-bios.err")));
  EXPECT_EQ(h.run("preliminary"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("efibootmgr-failed"));
}

TEST(NetworkBootFirst, GarbageOutputIsAHarnessErrorNotAPass) {
  BootOrderHarness h;
  h.uefi("efibootmgr: truncated\n");
  EXPECT_EQ(h.run("preliminary"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("efibootmgr-unparsable"));
}

TEST(NetworkBootFirst, NotCheckedUnlessTheDeliveryAsks) {
  BootOrderHarness h;
  h.config.require_network_boot_first = false;
  h.uefi(test_data("efibootmgr", "ovmf-disk-first.txt"));
  EXPECT_EQ(h.run("preliminary"), Outcome::pass());
  EXPECT_FALSE(h.host.ran({"efibootmgr"}));
}

}  // namespace
}  // namespace kiln::runner::testing
