// Firmware requirements of a delivery: version ordering, the `firmware:` key
// of a delivery file (typos and bad values named with file:line), and the
// resolved config's hash covering the rules.
#include "kiln/firmware.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kiln/config.hpp"

namespace kiln {
namespace {

using ::testing::HasSubstr;

TEST(CompareVersions, NumericRunsCompareAsNumbers) {
  EXPECT_GT(compare_versions("2.17.1", "2.12.0"), 0);
  EXPECT_LT(compare_versions("2.9", "2.10"), 0);
  EXPECT_EQ(compare_versions("2.17.1", "2.17.1"), 0);
  EXPECT_EQ(compare_versions("02.017", "2.17"), 0);
  EXPECT_LT(compare_versions("2.17", "2.17.1"), 0);
  EXPECT_GT(compare_versions("1.74", "1.7"), 0);  // 74 > 7: not decimal fractions
}

TEST(CompareVersions, HexMicrocodes) {
  EXPECT_GT(compare_versions("0x2007006", "0x2006e05"), 0);
  EXPECT_LT(compare_versions("0x1000065", "0x100006a"), 0);
  EXPECT_EQ(compare_versions("0x0B000038", "0xb000038"), 0);
}

TEST(CompareVersions, VendorStrings) {
  EXPECT_LT(compare_versions("U46 v2.80 (10/12/2019)", "U46 v2.90 (01/20/2020)"), 0);
  EXPECT_LT(compare_versions("S2S_3A14", "S2S_3A16"), 0);
  EXPECT_LT(compare_versions("P71", "P89"), 0);
  EXPECT_LT(compare_versions("3.0a", "3.0b"), 0);
  EXPECT_GT(compare_versions("2.1", "2.beta"), 0);
  EXPECT_EQ(compare_versions("SB", "sb"), 0);
}

TEST(VersionRule, ExactAndMinimum) {
  VersionRule exact{std::string("2.17.1"), std::nullopt};
  EXPECT_TRUE(exact.met_by("2.17.1"));
  EXPECT_TRUE(exact.met_by(" 2.17.1 "));
  EXPECT_FALSE(exact.met_by("2.17.2"));  // exact means exact, newer too
  EXPECT_EQ(exact.describe(), "= 2.17.1");
  VersionRule min{std::nullopt, std::string("2.17.0")};
  EXPECT_TRUE(min.met_by("2.17.0"));
  EXPECT_TRUE(min.met_by("2.18"));
  EXPECT_FALSE(min.met_by("2.12.0"));
  EXPECT_FALSE(min.met_by(""));  // unread never meets a rule
  EXPECT_EQ(min.describe(), ">= 2.17.0");
}

constexpr const char* kDelivery = R"(delivery: PO-9
profile: quick
tender_reference: CERN-IT-2026-042
firmware:
  bios: {version: "2.17.1"}
  bmc: {min: "1.74"}
  microcode_min: "0x2007006"
  dimm_speed_at_rated: true
  disks:
    MZ7LH960: {min: HXT7904Q}
  nics:
    i40e: {version: "8.30 0x8000a4e8 1.2926.0"}
    "8086:1572": {min: "8.30"}
)";

TEST(ParseDeliveryFirmware, ReadsEveryRule) {
  auto d = parse_delivery(kDelivery, "po-9.yaml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->tender_reference, "CERN-IT-2026-042");
  const auto& f = d->firmware;
  ASSERT_TRUE(f.bios && f.bmc);
  EXPECT_EQ(f.bios->exact, "2.17.1");
  EXPECT_EQ(f.bmc->min, "1.74");
  EXPECT_EQ(f.microcode_min, "0x2007006");
  EXPECT_TRUE(f.dimm_speed_at_rated);
  ASSERT_EQ(f.disks.count("MZ7LH960"), 1U);
  EXPECT_EQ(f.disks.at("MZ7LH960").min, "HXT7904Q");
  EXPECT_EQ(f.nics.size(), 2U);
  auto j = to_json(f);
  EXPECT_EQ(j["bios"]["version"], "2.17.1");
  EXPECT_EQ(j["nics"]["8086:1572"]["min"], "8.30");
}

std::string error_of(const std::string& firmware_yaml) {
  auto d =
      parse_delivery("delivery: PO-9\nprofile: quick\nfirmware:\n" + firmware_yaml, "po-9.yaml");
  return d.ok() ? std::string("accepted") : d.error().message;
}

TEST(ParseDeliveryFirmware, TyposAndBadValuesAreNamed) {
  EXPECT_THAT(error_of("  bois: {version: '1'}\n"),
              HasSubstr("po-9.yaml:4: unknown key 'bois' in 'firmware' (known keys: bios, bmc"));
  EXPECT_THAT(error_of("  bios: {versoin: '1'}\n"),
              HasSubstr("unknown key 'versoin' in 'firmware.bios' (known keys: version, min)"));
  EXPECT_THAT(error_of("  bios: {version: '1', min: '1'}\n"),
              HasSubstr("'firmware.bios' needs exactly one of 'version' (exact) or 'min'"));
  EXPECT_THAT(error_of("  bios: {}\n"), HasSubstr("needs exactly one of"));
  EXPECT_THAT(error_of("  bmc: 1.74\n"), HasSubstr("'firmware.bmc' must be a mapping"));
  EXPECT_THAT(error_of("  dimm_speed_at_rated: yes\n"),
              HasSubstr("'firmware.dimm_speed_at_rated' must be true or false"));
  EXPECT_THAT(error_of("  disks: [MZ7LH960]\n"),
              HasSubstr("'firmware.disks' must map a disk model"));
  EXPECT_THAT(error_of("  nics:\n    i40e: {min: [1]}\n"),
              HasSubstr("'firmware.nics.i40e.min' must be a version string"));
  EXPECT_THAT(error_of("  microcode_min: ''\n"), HasSubstr("'firmware.microcode_min' must be"));
  auto d = parse_delivery("delivery: PO-9\nprofile: quick\ntender_refrence: X\n", "po-9.yaml");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.error().message, HasSubstr("unknown key 'tender_refrence' in a delivery"));
}

TEST(ResolveFirmware, RulesReachTheNodeAndTheHash) {
  ConfigSet set;
  auto profile = parse_profile("profile: quick\nstages:\n  - stage: inventory\n", "quick.yaml");
  ASSERT_TRUE(profile.ok());
  set.profiles["quick"] = *profile;
  auto with = parse_delivery(kDelivery, "po-9.yaml");
  ASSERT_TRUE(with.ok());
  set.deliveries["PO-9"] = *with;
  FruInfo fru;
  fru.product_asset_tag = "PO-9";
  auto a = resolve(set, fru);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(a->firmware.bios);
  EXPECT_EQ(to_json(*a)["firmware"]["bios"]["version"], "2.17.1");
  set.deliveries["PO-9"].firmware.bios->exact = "2.17.2";
  auto b = resolve(set, fru);
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->hash, b->hash);
  set.deliveries["PO-9"].firmware = {};
  auto c = resolve(set, fru);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(to_json(*c).contains("firmware"));  // a delivery without rules hashes as before
}

}  // namespace
}  // namespace kiln
