// disk-wipe against a fake host: the method chosen per device type with the
// fallbacks recorded, a frozen ATA drive, the read-back naming device, serial
// and offset, and the refusals (burn-in mode, a mounted disk).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/wipe_fixture.hpp"
#include "stages/disk_wipe/wipe_io.hpp"

namespace kiln::runner::testing {
namespace {

std::string nvme_id_ctrl(std::uint32_t sanicap, std::uint32_t oacs, std::uint32_t fna) {
  auto doc =
      nlohmann::json::parse(test_data("nvme", "wd-sn730-id-ctrl-sanicap-crypto-block-fna4.json"));
  doc["sanicap"] = sanicap;
  doc["oacs"] = oacs;
  doc["fna"] = fna;
  return doc.dump(2);
}

FakeHostAdapter::Handler erase_to_zero(std::shared_ptr<FakeDisk> disk) {
  return [disk](const CommandSpec&) {
    std::lock_guard lock(disk->mu);
    std::fill(disk->bytes.begin(), disk->bytes.end(), std::byte{0});
    return FakeHostAdapter::exited(0);
  };
}

TEST(DiskWipeStage, NvmeWithCryptoSanitizeIsSanitizedAndProvenChanged) {
  WipeHarness h;
  h.options.disks = {"/dev/nvme0n1"};
  h.host.on({"nvme", "id-ctrl", "/dev/nvme0"},
            FakeHostAdapter::exited(
                0, test_data("nvme", "wd-sn730-id-ctrl-sanicap-crypto-block-fna4.json")));
  h.host.on({"nvme", "sanitize", "/dev/nvme0", "--sanact=4"}, erase_to_zero(h.disks["nvme0n1"]));
  h.host.on({"nvme", "sanitize-log"},
            FakeHostAdapter::exited(0, test_data("nvme", "AUTHOR-sanitize-log-2x-completed.json")));
  auto outcome = h.run("disk-wipe");
  EXPECT_EQ(outcome, Outcome::pass()) << h.errors() << h.failures();
  auto rec = h.disk_record("/dev/nvme0n1");
  EXPECT_EQ(rec["method"], "nvme-sanitize-crypto");
  EXPECT_EQ(rec["serial"], "1951B3444502");
  EXPECT_EQ(rec["verification"]["expected"], "blank-or-changed");
  EXPECT_EQ(rec["verification"]["result"], "PASS");
  EXPECT_FALSE(h.host.ran({"nvme", "format"}));
  EXPECT_TRUE(WipeHarness::all_zero(*h.disks["nvme0n1"]));
}

TEST(DiskWipeStage, SanitizeThatLeavesTheOldDataFailsNamingTheOffset) {
  WipeHarness h;
  h.options.disks = {"/dev/nvme0n1"};
  h.host.on({"nvme", "id-ctrl"},
            FakeHostAdapter::exited(0, nvme_id_ctrl(0x2, 23, 0)));  // block erase only
  h.host.on({"nvme", "sanitize", "/dev/nvme0", "--sanact=2"},
            FakeHostAdapter::exited(0));  // a lying drive
  h.host.on({"nvme", "sanitize-log"},
            FakeHostAdapter::exited(0, test_data("nvme", "AUTHOR-sanitize-log-2x-completed.json")));
  auto outcome = h.run("disk-wipe");
  EXPECT_EQ(outcome, Outcome::fail());
  KILN_EXPECT_FAILURE(
      h.record, "KILN-WIPE-VERIFY-MISMATCH",
      "disk 1951B3444502 (/dev/nvme0n1, PCI 0000:00:04.0): read-back after the wipe: 8 "
      "chunk(s) "
      "still hold their pre-wipe content, the first at byte offset 0 \u2014 wipe "
      "again; if it persists, destroy the disk physically");
  EXPECT_EQ(h.disk_record("/dev/nvme0n1")["method"], "nvme-sanitize-block");
}

TEST(DiskWipeStage, SanitizeTheControllerReportsFailedFailsWithTheWayOut) {
  WipeHarness h;
  h.options.disks = {"/dev/nvme0n1"};
  h.host.on({"nvme", "id-ctrl", "/dev/nvme0"},
            FakeHostAdapter::exited(
                0, test_data("nvme", "wd-sn730-id-ctrl-sanicap-crypto-block-fna4.json")));
  h.host.on({"nvme", "sanitize", "/dev/nvme0"}, FakeHostAdapter::exited(0));
  // nvme-cli 1.x: SSTAT 3, "the most recent sanitize operation failed".
  h.host.on({"nvme", "sanitize-log"},
            FakeHostAdapter::exited(0, R"({"nvme0": {"sprog": 0, "sstat": 3}})"));
  EXPECT_EQ(h.run("disk-wipe"), Outcome::fail());
  KILN_EXPECT_FAILURE(
      h.record, "KILN-WIPE-SANITIZE-FAILED",
      "disk 1951B3444502 (/dev/nvme0n1, PCI 0000:00:04.0): the controller reports the "
      "sanitize "
      "failed (sanitize log: sstat=0x3 sprog=0) \u2014 `nvme sanitize DEVICE "
      "--sanact=1` exits the failure mode; wipe again, and destroy the drive if it "
      "fails again");
  EXPECT_NE(h.logs().find("`nvme sanitize /dev/nvme0 --sanact=1`"), std::string::npos) << h.logs();
}

TEST(DiskWipeStage, AWriteErrorFailsTheDiskAsUnwipeable) {
  WipeHarness h;
  h.options.disks = {"/dev/loop0"};
  h.disks["loop0"]->write_error_at = 2 * 1024 * 1024;
  EXPECT_EQ(h.run("disk-wipe"), Outcome::fail());
  KILN_EXPECT_FAILURE(
      h.record, "KILN-WIPE-IO-ERROR",
      "disk disk.img (/dev/loop0): write at byte offset 2097152 failed: Input/output error: "
      "the disk could not be wiped completely \u2014 destroy the disk physically "
      "(it keeps data kiln cannot reach)");
}

TEST(DiskWipeStage, NvmeWithoutSanitizeFallsBackToFormatAndSaysWhy) {
  WipeHarness h;
  h.options.disks = {"/dev/nvme0n1"};
  h.host.on({"nvme", "id-ctrl"}, FakeHostAdapter::exited(0, nvme_id_ctrl(0, 23, 0)));
  h.host.on({"nvme", "format", "/dev/nvme0n1", "--ses=1", "--force"},
            erase_to_zero(h.disks["nvme0n1"]));
  EXPECT_EQ(h.run("disk-wipe"), Outcome::pass()) << h.errors() << h.failures();
  auto rec = h.disk_record("/dev/nvme0n1");
  EXPECT_EQ(rec["method"], "nvme-format-user-data");
  auto fallbacks = rec["fallbacks"].dump();
  EXPECT_NE(fallbacks.find("nvme sanitize not supported (sanicap=0x0)"), std::string::npos)
      << fallbacks;
  EXPECT_NE(fallbacks.find("nvme format --ses=2 not supported (fna=0x0)"), std::string::npos)
      << fallbacks;
  EXPECT_FALSE(h.host.ran({"nvme", "sanitize"}));
}

TEST(DiskWipeStage, NvmeIdentifyFailureFallsBackToOverwrite) {
  WipeHarness h;
  h.options.disks = {"/dev/nvme0n1"};
  h.host.on({"nvme", "id-ctrl"},
            FakeHostAdapter::exited(1, "", test_data("nvme", "loop-id-ctrl.txt")));
  EXPECT_EQ(h.run("disk-wipe"), Outcome::pass()) << h.errors() << h.failures();
  auto rec = h.disk_record("/dev/nvme0n1");
  EXPECT_EQ(rec["method"], "overwrite");
  ASSERT_EQ(rec["probe_failures"].size(), 1U);
  std::string failure = rec["probe_failures"][0];
  EXPECT_NE(failure.find("identify controller: Invalid argument"), std::string::npos) << failure;
  // the command is named once: "`nvme id-ctrl /dev/nvme0 -o json` exit 1: ..."
  EXPECT_EQ(failure.find("`nvme id-ctrl"), 0U) << failure;
  EXPECT_EQ(failure.find("`nvme id-ctrl", 1), std::string::npos) << failure;
  EXPECT_EQ(rec["discard"], "done");  // solid state: discarded before the overwrite
  EXPECT_TRUE(WipeHarness::all_zero(*h.disks["nvme0n1"]));
}

TEST(DiskWipeStage, FrozenAtaDriveIsAnErrorWithTheRemedyAndStaysUntouched) {
  WipeHarness h;
  h.options.disks = {"/dev/sdb"};
  h.host.on({"hdparm", "-I", "/dev/sdb"},
            FakeHostAdapter::exited(
                0, test_data("hdparm", "micron-5300-ssd-frozen-sanitize-feature-set.txt")));
  h.host.on(
      {"hdparm", "-N", "/dev/sdb"},
      FakeHostAdapter::exited(0, " max sectors   = 3750748848/3750748848, HPA is disabled\n"));
  auto outcome = h.run("disk-wipe");
  EXPECT_EQ(outcome, Outcome::error());
  EXPECT_NE(h.errors().find("wipe-ata-frozen: /dev/sdb: ATA security is frozen"), std::string::npos)
      << h.errors();
  EXPECT_NE(h.errors().find("suspend and resume"), std::string::npos) << h.errors();
  EXPECT_FALSE(h.host.ran({"hdparm", "--user-master"}));
  EXPECT_TRUE(WipeHarness::holds_secrets(*h.disks["sdb"]));
  EXPECT_FALSE(h.disks["sdb"]->opened_for_writing);
}

TEST(DiskWipeStage, FrozenAtaDriveFallsBackToOverwriteWhenThePolicySaysSo) {
  WipeHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("ata_frozen", "overwrite");
  h.host.on({"hdparm", "-I", "/dev/sdb"},
            FakeHostAdapter::exited(
                0, test_data("hdparm", "micron-5300-ssd-frozen-sanitize-feature-set.txt")));
  h.host.on(
      {"hdparm", "-N", "/dev/sdb"},
      FakeHostAdapter::exited(0, " max sectors   = 3750748848/3750748848, HPA is disabled\n"));
  EXPECT_EQ(h.run("disk-wipe"), Outcome::pass()) << h.errors();
  EXPECT_EQ(h.disk_record("/dev/sdb")["method"], "overwrite");
  EXPECT_TRUE(WipeHarness::all_zero(*h.disks["sdb"]));
}

TEST(DiskWipeStage, AtaEnhancedEraseWithPasswordClearedAndHpaRemoved) {
  WipeHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("remove_hidden_areas", "true");
  std::string wd = test_data("hdparm", "wd20efrx-hdd-not-frozen-hpa-dco.txt");
  h.host.on({"hdparm", "-I", "/dev/sdb"}, FakeHostAdapter::exited(0, wd));
  h.host.on({"hdparm", "-N", "/dev/sdb"},
            FakeHostAdapter::exited(0, " max sectors   = 3907027120/3907029168, HPA is enabled\n"));
  h.host.on(
      {"hdparm", "-N", "/dev/sdb"},
      FakeHostAdapter::exited(0, " max sectors   = 3907029168/3907029168, HPA is disabled\n"));
  h.host.on({"hdparm", "--dco-identify"},
            FakeHostAdapter::exited(0, "\tReal max sectors: 3907029168\n"));
  h.host.on({"hdparm", "--yes-i-know-what-i-am-doing", "-N", "p3907029168"},
            FakeHostAdapter::exited(0));
  h.host.on({"hdparm", "--user-master", "u", "--security-set-pass", "kiln-wipe"},
            FakeHostAdapter::exited(0));
  h.host.on({"hdparm", "--user-master", "u", "--security-erase-enhanced", "kiln-wipe", "/dev/sdb"},
            erase_to_zero(h.disks["sdb"]));
  EXPECT_EQ(h.run("disk-wipe"), Outcome::pass()) << h.errors() << h.failures();
  auto rec = h.disk_record("/dev/sdb");
  EXPECT_EQ(rec["method"], "ata-enhanced-security-erase");
  EXPECT_EQ(rec["serial"], "WD-WMC301187959");
  EXPECT_NE(
      rec["hidden_areas"].dump().find("HPA: 3907027120 of 3907029168 sectors visible, 2048 hidden"),
      std::string::npos);
  EXPECT_NE(rec["hidden_area_actions"].dump().find("HPA removed"), std::string::npos)
      << rec.dump(1);
  EXPECT_NE(rec["firmware_read_back"].get<std::string>().find("not enabled"), std::string::npos);
}

TEST(DiskWipeStage, AnHpaThatStaysHiddenFailsTheDisk) {
  WipeHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("remove_hidden_areas", "true");
  h.host.on({"hdparm", "-I", "/dev/sdb"},
            FakeHostAdapter::exited(0, test_data("hdparm", "wd20efrx-hdd-not-frozen-hpa-dco.txt")));
  // The drive takes the command but keeps the area hidden.
  h.host.on({"hdparm", "-N", "/dev/sdb"},
            FakeHostAdapter::exited(0, " max sectors   = 3907027120/3907029168, HPA is enabled\n"));
  h.host.on({"hdparm", "--dco-identify"},
            FakeHostAdapter::exited(0, "\tReal max sectors: 3907029168\n"));
  h.host.on({"hdparm", "--yes-i-know-what-i-am-doing", "-N", "p3907029168"},
            FakeHostAdapter::exited(0));
  h.host.on({"hdparm", "--user-master"}, FakeHostAdapter::exited(0));
  h.host.on({"hdparm", "--user-master", "u", "--security-erase-enhanced", "kiln-wipe", "/dev/sdb"},
            erase_to_zero(h.disks["sdb"]));
  EXPECT_EQ(h.run("disk-wipe"), Outcome::fail()) << h.errors();
  KILN_EXPECT_FAILURE(h.record, "KILN-WIPE-HIDDEN-AREA-KEPT",
                      "disk WD-WMC301187959 (/dev/sdb, ATA port 2): a hidden area (HPA/DCO) could "
                      "not be removed: HPA removal failed: still hidden \u2014 remove it by hand "
                      "(hdparm) and wipe again, or destroy the disk physically");
}

TEST(DiskWipeStage, ScsiDiskGetsCryptoSanitize) {
  WipeHarness h;
  h.options.disks = {"/dev/sdc"};
  h.host.on({"sg_opcodes", "/dev/sdc"},
            FakeHostAdapter::exited(
                0, test_data("sg3-utils", "AUTHOR-sg_opcodes-sanitize-crypto-block.txt")));
  h.host.on({"sg_sanitize", "--crypto", "--quick", "/dev/sdc"}, erase_to_zero(h.disks["sdc"]));
  EXPECT_EQ(h.run("disk-wipe"), Outcome::pass()) << h.errors() << h.failures();
  EXPECT_EQ(h.disk_record("/dev/sdc")["method"], "scsi-sanitize-crypto");
}

TEST(DiskWipeStage, LoopDeviceIsOverwrittenWithThePatternAndReadBackInFull) {
  WipeHarness h;
  h.options.disks = {"/dev/loop0"};
  h.param("pattern", "hex:a55a");
  EXPECT_EQ(h.run("disk-wipe"), Outcome::pass()) << h.errors() << h.failures();
  auto rec = h.disk_record("/dev/loop0");
  EXPECT_EQ(rec["method"], "overwrite");
  EXPECT_EQ(rec["verification"]["bytes_verified"], kFakeDiskSize);
  EXPECT_EQ(rec["verification"]["mode"], "full");
  EXPECT_EQ(h.disks["loop0"]->bytes[1], std::byte{0x5a});
  EXPECT_EQ(h.disks["loop0"]->bytes[kFakeDiskSize - 2], std::byte{0xa5});
  EXPECT_FALSE(h.host.ran({"hdparm"}));  // virtual: no firmware probes
}

// pattern: random with a fixed seed: the disk holds exactly the recorded
// stream, the certificate names generator and seed, the read-back proves it.
TEST(DiskWipeStage, RandomPatternWritesTheSeededStreamAndRecordsTheSeed) {
  WipeHarness h;
  h.options.disks = {"/dev/loop0"};
  h.param("pattern", "random");
  h.param("random_seed", "0x00c0ffee");
  EXPECT_EQ(h.run("disk-wipe"), Outcome::pass()) << h.errors() << h.failures();
  std::vector<std::byte> expected(kFakeDiskSize);
  fill_random_stream(0xc0ffee, 0, expected.data(), expected.size());
  EXPECT_TRUE(h.disks["loop0"]->bytes == expected);
  EXPECT_FALSE(WipeHarness::holds_secrets(*h.disks["loop0"]));
  auto rec = h.disk_record("/dev/loop0");
  ASSERT_EQ(rec["overwrite_passes"].size(), 1U) << rec.dump();
  EXPECT_EQ(rec["overwrite_passes"][0]["pattern"], "random");
  EXPECT_EQ(rec["overwrite_passes"][0]["prng"], "splitmix64");
  EXPECT_EQ(rec["overwrite_passes"][0]["seed"], "0x0000000000c0ffee");
  EXPECT_EQ(rec["overwrite_passes"][0]["bytes"], kFakeDiskSize);
  EXPECT_EQ(rec["verification"]["expected"], "random (splitmix64, seed 0x0000000000c0ffee)");
  EXPECT_EQ(rec["verification"]["result"], "PASS");
  EXPECT_NE(rec["commands"][0].get<std::string>().find("with random (splitmix64, seed"),
            std::string::npos);
}

// random then a final zero pass: two passes recorded (the random one with its
// fresh seed), the disk ends all zeros and the read-back proves zeros.
TEST(DiskWipeStage, RandomPassThenFinalZeroPass) {
  WipeHarness h;
  h.options.disks = {"/dev/loop0"};
  h.param("pattern", "random");
  h.param("final_zero_pass", "true");
  EXPECT_EQ(h.run("disk-wipe"), Outcome::pass()) << h.errors() << h.failures();
  EXPECT_TRUE(WipeHarness::all_zero(*h.disks["loop0"]));
  auto rec = h.disk_record("/dev/loop0");
  ASSERT_EQ(rec["overwrite_passes"].size(), 2U) << rec.dump();
  EXPECT_EQ(rec["overwrite_passes"][0]["pattern"], "random");
  EXPECT_EQ(rec["overwrite_passes"][0]["seed"].get<std::string>().size(), 18U);  // 0x + 16
  EXPECT_EQ(rec["overwrite_passes"][1]["pattern"], "zeros");
  EXPECT_FALSE(rec["overwrite_passes"][1].contains("seed"));
  EXPECT_EQ(rec["overwrite_bytes"], 2 * kFakeDiskSize);
  EXPECT_EQ(rec["verification"]["expected"], "zeros");
}

TEST(DiskWipeStage, ARandomPassByteTheDiskDidNotTakeFailsNamingTheOffset) {
  WipeHarness h;
  h.options.disks = {"/dev/loop0"};
  h.param("pattern", "random");
  h.param("random_seed", "7");
  h.disks["loop0"]->stuck.emplace_back(kMiB + 3, 1);
  EXPECT_EQ(h.run("disk-wipe"), Outcome::fail());
  std::byte expected[1];
  fill_random_stream(7, kMiB + 3, expected, 1);
  const auto old_byte = static_cast<int>(h.disks["loop0"]->bytes[kMiB + 3]);  // still the old data
  EXPECT_NE(h.failures().find(fmt::format(
                "1 byte(s) differ from the random (splitmix64, seed 0x0000000000000007) pattern, "
                "the first at byte offset {} (found {:#04x}, expected {:#04x})",
                kMiB + 3, old_byte, static_cast<int>(expected[0]))),
            std::string::npos)
      << h.failures();
}

TEST(DiskWipeStage, RandomPolicyMistakesAreParameterErrors) {
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases{
      {{{"final_zero_pass", "true"}}, "final_zero_pass: the pattern is already zeros"},
      {{{"random_seed", "12"}}, "random_seed '12' needs pattern: random (pattern is zeros)"},
      {{{"pattern", "random"}, {"random_seed", "0xZZ"}},
       "random_seed '0xZZ' is not a 64-bit number"},
      {{{"pattern", "random"}, {"random_seed", "99999999999999999999"}},
       "random_seed '99999999999999999999' is not a 64-bit number"},
  };
  for (const auto& [params, message] : cases) {
    WipeHarness h;
    h.options.disks = {"/dev/loop0"};
    for (const auto& [k, v] : params) h.param(k, v);
    EXPECT_EQ(h.run("disk-wipe"), Outcome::error());
    EXPECT_NE(h.errors().find(message), std::string::npos) << h.errors();
    EXPECT_FALSE(h.disks["loop0"]->opened_for_writing);
  }
}

TEST(DiskWipeStage, ABlockTheDiskDidNotWriteIsAFailNamingTheOffset) {
  WipeHarness h;
  h.options.disks = {"/dev/loop0"};
  h.disks["loop0"]->stuck.emplace_back(3 * 1024 * 1024 + 100, 7);
  EXPECT_EQ(h.run("disk-wipe"), Outcome::fail());
  EXPECT_NE(h.failures().find("disk disk.img (/dev/loop0)"), std::string::npos) << h.failures();
  EXPECT_NE(h.failures().find(
                "7 byte(s) differ from the zeros pattern, the first at byte offset 3145828"),
            std::string::npos)
      << h.failures();
  EXPECT_EQ(h.disk_record("/dev/loop0")["verification"]["first_mismatch_offset"], 3145828);
}

TEST(DiskWipeStage, SampleVerificationAlwaysReadsTheFirstAndLastMiB) {
  WipeHarness h;
  h.options.disks = {"/dev/loop0"};
  h.param("verify", "sample");
  h.param("verify_percent", "1");
  h.disks["loop0"]->stuck.emplace_back(kFakeDiskSize - 10, 1);  // in the last MiB
  EXPECT_EQ(h.run("disk-wipe"), Outcome::fail());
  EXPECT_NE(h.failures().find("byte offset " + std::to_string(kFakeDiskSize - 10)),
            std::string::npos)
      << h.failures();
}

TEST(DiskWipeStage, BurnInModeNeverWipesWhateverTheProfileSays) {
  WipeHarness h;
  h.options.mode = "burnin";
  h.options.decommission_confirmed = true;  // even if something set it
  h.options.disks = {"/dev/loop0", "/dev/sdb"};
  EXPECT_EQ(h.run("disk-wipe"), Outcome::error());
  EXPECT_NE(h.errors().find(
                "wipe-refused: disk-wipe: nothing was written: this runner is in burn-in mode"),
            std::string::npos)
      << h.errors();
  EXPECT_TRUE(h.host.calls().empty());
  EXPECT_FALSE(h.disks["loop0"]->opened_for_writing);
  EXPECT_TRUE(WipeHarness::holds_secrets(*h.disks["loop0"]));
}

TEST(DiskWipeStage, UnconfirmedDecommissionIsRefusedWithTheReason) {
  WipeHarness h;
  h.options.decommission_confirmed = false;
  h.options.decommission_refusal =
      "standalone decommission needs both --decommission and --i-know-this-wipes";
  h.options.disks = {"/dev/loop0"};
  EXPECT_EQ(h.run("disk-wipe"), Outcome::error());
  EXPECT_NE(h.errors().find("--i-know-this-wipes"), std::string::npos);
  EXPECT_FALSE(h.disks["loop0"]->opened_for_writing);
}

TEST(DiskWipeStage, TheBootDiskIsNeverWiped) {
  WipeHarness h;
  h.options.disks = {"/dev/sda", "/dev/loop0"};
  EXPECT_EQ(h.run("disk-wipe"), Outcome::error());
  EXPECT_NE(h.errors().find("refusing disk-wipe (erases the disk) on /dev/sda: disk sda is in use"),
            std::string::npos)
      << h.errors();
  EXPECT_FALSE(h.disks["sda"]->opened_for_writing);
  EXPECT_TRUE(WipeHarness::all_zero(*h.disks["loop0"]));  // the other disk is still wiped
  EXPECT_EQ(h.disk_record("/dev/sda")["result"], "refused");
}

TEST(DiskWipeStage, BadPolicyIsAParameterError) {
  WipeHarness h;
  h.options.disks = {"/dev/loop0"};
  h.param("pattern", "hex:abc");
  EXPECT_EQ(h.run("disk-wipe"), Outcome::error());
  EXPECT_NE(h.errors().find("overwrite pattern 'hex:abc'"), std::string::npos) << h.errors();
  EXPECT_FALSE(h.disks["loop0"]->opened_for_writing);
}

}  // namespace
}  // namespace kiln::runner::testing
