// Config loading: each class of mistake gives an error naming file, line and key.
#include "kiln/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kiln_test_paths.hpp"

namespace kiln {
namespace {

using ::testing::HasSubstr;

constexpr const char* kProfile = R"(profile: quick
description: test
stages:
  - stage: inventory
  - stage: cpu
    params:
      duration: 10s
      methods: [all, flip]
)";

constexpr const char* kDelivery = R"(delivery: PO-1
profile: quick
expected:
  dimm_count: 16
  disk_models: [MZ7LH, ST8000]
limits:
  disk:
    reallocated_sectors_delta_max: 0
  fio:
    seq_read_min_mbps: 500
overrides:
  - serial: SN2
    expected:
      dimm_count: 8
    limits:
      fio:
        seq_read_min_mbps: 250
)";

TEST(ParseProfile, ReadsStagesAndParams) {
  auto p = parse_profile(kProfile, "quick.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->name, "quick");
  ASSERT_EQ(p->stages.size(), 2U);
  EXPECT_EQ(p->stages[1].stage, "cpu");
  EXPECT_EQ(p->stages[1].params.at("duration").text, "10s");
  EXPECT_EQ(p->stages[1].params.at("duration").where.line, 7);
  EXPECT_TRUE(p->stages[1].params.at("methods").is_list);
  EXPECT_EQ(p->stages[1].params.at("methods").list.size(), 2U);
}

TEST(ParseDelivery, ReadsEverything) {
  auto d = parse_delivery(kDelivery, "po-1.yaml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->tag, "PO-1");
  EXPECT_EQ(d->expected.dimm_count, 16);
  EXPECT_EQ(d->expected.disk_models.size(), 2U);
  EXPECT_EQ(d->limits.at("fio.seq_read_min_mbps"), 500);
  ASSERT_EQ(d->overrides.size(), 1U);
  EXPECT_EQ(d->overrides[0].expected.dimm_count, 8);
}

struct BadConfigCase {
  const char* name;
  const char* text;
  bool is_profile;
  const char* expected_where;  // file:line
  const char* expected_words;
};

class BadConfig : public ::testing::TestWithParam<BadConfigCase> {};

TEST_P(BadConfig, NamesFileLineAndKey) {
  const auto& c = GetParam();
  std::string message = c.is_profile ? parse_profile(c.text, "f.yaml").error().message
                                     : parse_delivery(c.text, "f.yaml").error().message;
  EXPECT_THAT(message, HasSubstr(c.expected_where));
  EXPECT_THAT(message, HasSubstr(c.expected_words));
}

INSTANTIATE_TEST_SUITE_P(
    EachClassOfMistake, BadConfig,
    ::testing::Values(
        BadConfigCase{"UnknownTopLevelKey",
                      "delivery: A\nprofile: quick\nexpectd:\n  dimm_count: 1\n", false, "f.yaml:3",
                      "unknown key 'expectd'"},
        BadConfigCase{"UnknownExpectedKey",
                      "delivery: A\nprofile: quick\nexpected:\n  ram_gb: 512\n", false, "f.yaml:4",
                      "unknown key 'ram_gb' in 'expected'"},
        BadConfigCase{"WrongType",
                      "delivery: A\nprofile: quick\nexpected:\n  dimm_count: sixteen\n", false,
                      "f.yaml:4", "'dimm_count' must be a number, got 'sixteen'"},
        BadConfigCase{"FractionalCount",
                      "delivery: A\nprofile: quick\nexpected:\n  dimm_count: 1.5\n", false,
                      "f.yaml:4", "whole number"},
        BadConfigCase{"UnknownLimit",
                      "delivery: A\nprofile: quick\nlimits:\n  fio:\n    seq_read_mbps: 5\n", false,
                      "f.yaml:5", "unknown limit 'limits.fio.seq_read_mbps'"},
        BadConfigCase{"UnknownLimitGroup",
                      "delivery: A\nprofile: quick\nlimits:\n  gpu:\n    x: 5\n", false, "f.yaml:5",
                      "unknown group"},
        BadConfigCase{
            "NegativeMinimum",
            "delivery: A\nprofile: quick\nlimits:\n  fio:\n    seq_read_min_mbps: -5\n", false,
            "f.yaml:5",
            "'limits.fio.seq_read_min_mbps': -5 MB/s is negative; sequential read bandwidth "
            "is never below 0"},
        BadConfigCase{
            "AbsurdPercentage",
            "delivery: A\nprofile: quick\nlimits:\n  network:\n    udp_loss_max_percent: 250\n",
            false, "f.yaml:5", "250 % is out of range: UDP datagram loss is from 0 to 100 %"},
        BadConfigCase{"MissingProfileKey", "delivery: A\n", false, "f.yaml:1",
                      "missing required key 'profile'"},
        BadConfigCase{"BadBool", "delivery: A\nprofile: q\nrequire_serial_match_dmi: yes please\n",
                      false, "f.yaml:3", "true or false"},
        BadConfigCase{"BadBootOrderBool",
                      "delivery: A\nprofile: q\nrequire_network_boot_first: always\n", false,
                      "f.yaml:3", "true or false"},
        BadConfigCase{"BadRebootPolicy", "delivery: A\nprofile: q\non_unexpected_reboot: retry\n",
                      false, "f.yaml:3",
                      "'on_unexpected_reboot' must be fail, retry_stage or continue, got 'retry'"},
        BadConfigCase{"RebootPolicyNotAString",
                      "delivery: A\nprofile: q\non_unexpected_reboot: [fail]\n", false, "f.yaml:3",
                      "'on_unexpected_reboot' in a delivery must be a string"},
        BadConfigCase{"BadWatchdogBool", "delivery: A\nprofile: q\nwatchdog: 10m\n", false,
                      "f.yaml:3", "true or false"},
        BadConfigCase{"BootOrderKeyTypo", "delivery: A\nprofile: q\nrequire_network_boot: true\n",
                      false, "f.yaml:3", "unknown key 'require_network_boot'"},
        BadConfigCase{"DuplicateOverride",
                      "delivery: A\nprofile: q\noverrides:\n  - serial: X\n  - serial: X\n", false,
                      "f.yaml:5", "serial 'X' has two overrides"},
        BadConfigCase{"YamlSyntax", "delivery: A\nprofile: [q\n", false,
                      "f.yaml:", "YAML syntax error"},
        BadConfigCase{"ProfileUnknownStageKey",
                      "profile: q\nstages:\n  - stage: cpu\n    parms: {}\n", true, "f.yaml:4",
                      "unknown key 'parms'"},
        BadConfigCase{"ProfileNoStages", "profile: q\nstages: []\n", true, "f.yaml:2",
                      "non-empty list"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

class ConfigDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kiln-config-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "profiles");
    std::filesystem::create_directories(dir_ / "deliveries");
    write("profiles/quick.yaml", kProfile);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }
  std::filesystem::path dir_;
};

TEST_F(ConfigDir, MissingProfileIsNamed) {
  write("deliveries/a.yaml", "delivery: A\nprofile: quik\n");
  auto c = load_config_dir(dir_);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("a.yaml:1"));
  EXPECT_THAT(c.error().message,
              HasSubstr("profile 'quik', which does not exist (profiles: quick)"));
}

TEST_F(ConfigDir, DuplicateDeliveryNamesBothFiles) {
  write("deliveries/a.yaml", "delivery: PO-7\nprofile: quick\n");
  write("deliveries/b.yaml", "delivery: PO-7\nprofile: quick\n");
  auto c = load_config_dir(dir_);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("b.yaml:1: delivery 'PO-7' is already defined in"));
  EXPECT_THAT(c.error().message, HasSubstr("a.yaml:1"));
}

TEST_F(ConfigDir, ProfileParametersAreCheckedAgainstTheCatalog) {
  // What the runner plans from and the orchestrator serves: every mistake, each with its line.
  write("profiles/long.yaml",
        "profile: long\nstages:\n  - stage: disk\n    params:\n      mode: wirte\n"
        "      selftest: sometimes\n");
  auto c = load_config_dir(dir_);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message,
              HasSubstr("long.yaml:5: parameter 'mode' of stage 'disk': 'wirte' is not one of: "
                        "readonly, nondestructive, write"));
  EXPECT_THAT(c.error().message,
              HasSubstr("long.yaml:6: parameter 'selftest' of stage 'disk': 'sometimes' is not one "
                        "of: none, short, long"));
}

TEST_F(ConfigDir, TheShippedConfigsPassTheCatalog) {
  auto c = load_config_dir(std::string(KILN_SOURCE_DIR) + "/configs");
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto hw = load_config_dir(std::string(KILN_SOURCE_DIR) + "/tests-hw/configs");
  ASSERT_TRUE(hw.ok()) << hw.error().message;
}

TEST_F(ConfigDir, NotAConfigDir) {
  auto c = load_config_dir(dir_ / "nope");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("no 'profiles' folder"));
}

FruInfo fru(const std::string& tag, const std::string& serial) {
  FruInfo f;
  f.product_asset_tag = tag;
  f.product_serial = serial;
  return f;
}

TEST_F(ConfigDir, ResolveByAssetTagWithOverrideAndDefault) {
  write("deliveries/po1.yaml", kDelivery);
  write("deliveries/default.yaml", "delivery: default\nprofile: quick\n");
  auto c = load_config_dir(dir_);
  ASSERT_TRUE(c.ok()) << c.error().message;

  auto matched = resolve(*c, fru("  PO-1 ", "SN1"));
  ASSERT_TRUE(matched.ok());
  EXPECT_TRUE(matched->delivery_matched);
  EXPECT_EQ(matched->delivery_tag, "PO-1");
  EXPECT_EQ(matched->expected.dimm_count, 16);
  EXPECT_EQ(matched->limit("fio.seq_read_min_mbps"), 500);
  EXPECT_FALSE(matched->override_serial.has_value());

  auto overridden = resolve(*c, fru("PO-1", "SN2"));
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->override_serial, "SN2");
  EXPECT_EQ(overridden->expected.dimm_count, 8);
  EXPECT_EQ(overridden->limit("fio.seq_read_min_mbps"), 250);
  EXPECT_EQ(overridden->limit("disk.reallocated_sectors_delta_max"), 0);  // kept from the delivery
  EXPECT_NE(overridden->hash, matched->hash);

  auto unknown = resolve(*c, fru("PO-999", "SN1"));
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->delivery_matched);
  EXPECT_EQ(unknown->delivery_tag, "default");
  EXPECT_EQ(unknown->asset_tag, "PO-999");

  auto empty_tag = resolve(*c, fru("", "SN1"));
  ASSERT_TRUE(empty_tag.ok());
  EXPECT_FALSE(empty_tag->delivery_matched);
}

// Found by fuzz/ (target config-delivery): a delivery tag with a 0xFF byte
// made resolve() throw while hashing; the loader now refuses such a file.
TEST(ParseDelivery, TextThatIsNotUtf8IsRefusedWithLineAndColumn) {
  auto d = parse_delivery("# PO\nprofile: quick\ndelivery: PO-1\xFF\xFF\n", "po.yaml");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.error().message, HasSubstr("po.yaml:3: not valid UTF-8 (byte 0xFF at column 15)"));
  auto p = parse_profile("profile: q\xC3\nstages: [{stage: inventory}]\n", "q.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.error().message, HasSubstr("q.yaml:1: not valid UTF-8"));
}

// Found by the CI fuzz run (target config-delivery): a valid UTF-8 file whose
// double-quoted "\N" yaml-cpp decodes to the bare byte 0x85, which made the
// resolved config's JSON dump throw.
TEST(ParseDelivery, EscapesThatDecodeToBareBytesAreRefused) {
  auto d = parse_delivery("profile: quick\ndelivery: PO-1\nnotes: \"a\\Nb\"\n", "po.yaml");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.error().message,
              HasSubstr("po.yaml:3: the value decodes to bytes that are not UTF-8 (byte 0x85"));
  auto p = parse_profile("profile: q\nstages: [{stage: \"inv\\_entory\"}]\n", "q.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.error().message,
              HasSubstr("q.yaml:2: the value decodes to bytes that are not UTF-8 (byte 0xA0"));
}

TEST_F(ConfigDir, FruStringsThatAreNotUtf8DoNotThrow) {
  write("deliveries/po1.yaml", kDelivery);
  write("deliveries/default.yaml", "delivery: default\nprofile: quick\n");
  auto c = load_config_dir(dir_);
  ASSERT_TRUE(c.ok());
  auto r = resolve(*c, fru("PO-\xFF", "SN\xB2"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->delivery_matched);
  EXPECT_FALSE(r->hash.empty());
}

TEST_F(ConfigDir, ResolveIsPureAndHashIsStable) {
  write("deliveries/po1.yaml", kDelivery);
  auto c = load_config_dir(dir_);
  ASSERT_TRUE(c.ok());
  auto a = resolve(*c, fru("PO-1", "SN1"));
  auto b = resolve(*c, fru("PO-1", "SN1"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->hash, b->hash);
  EXPECT_EQ(a->hash.size(), 64U);
}

TEST_F(ConfigDir, NetworkBootFirstReachesTheResolvedConfigAndItsHash) {
  write("deliveries/po1.yaml",
        "delivery: PO-1\nprofile: quick\nrequire_network_boot_first: true\n");
  write("deliveries/po2.yaml", "delivery: PO-2\nprofile: quick\n");
  auto c = load_config_dir(dir_);
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto required = resolve(*c, fru("PO-1", "SN1"));
  auto not_required = resolve(*c, fru("PO-2", "SN1"));
  ASSERT_TRUE(required.ok() && not_required.ok());
  EXPECT_TRUE(required->require_network_boot_first);
  EXPECT_FALSE(not_required->require_network_boot_first);
  EXPECT_EQ(to_json(*required).value("require_network_boot_first", false), true);
  EXPECT_FALSE(to_json(*not_required).contains("require_network_boot_first"));
}

TEST_F(ConfigDir, TheWatchdogReachesTheResolvedConfigAndItsHashOnlyWhenSet) {
  write("deliveries/po1.yaml", "delivery: PO-1\nprofile: quick\nwatchdog: true\n");
  write("deliveries/po2.yaml", "delivery: PO-2\nprofile: quick\n");
  auto c = load_config_dir(dir_);
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto armed = resolve(*c, fru("PO-1", "SN1"));
  auto plain = resolve(*c, fru("PO-2", "SN1"));
  ASSERT_TRUE(armed.ok() && plain.ok());
  EXPECT_TRUE(armed->watchdog);
  EXPECT_FALSE(plain->watchdog);
  EXPECT_EQ(to_json(*armed).value("watchdog", false), true);
  EXPECT_FALSE(to_json(*plain).contains("watchdog"));
}

TEST_F(ConfigDir, TheRebootPolicyReachesTheResolvedConfigAndItsHashOnlyWhenNotFail) {
  write("deliveries/po1.yaml",
        "delivery: PO-1\nprofile: quick\non_unexpected_reboot: retry_stage\n");
  write("deliveries/po2.yaml", "delivery: PO-2\nprofile: quick\non_unexpected_reboot: fail\n");
  write("deliveries/po3.yaml", "delivery: PO-3\nprofile: quick\n");
  auto c = load_config_dir(dir_);
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto retry = resolve(*c, fru("PO-1", "SN1"));
  auto fail = resolve(*c, fru("PO-2", "SN1"));
  auto unset = resolve(*c, fru("PO-3", "SN1"));
  ASSERT_TRUE(retry.ok() && fail.ok() && unset.ok());
  EXPECT_EQ(retry->on_unexpected_reboot, RebootPolicy::kRetryStage);
  EXPECT_EQ(fail->on_unexpected_reboot, RebootPolicy::kFail);
  EXPECT_EQ(unset->on_unexpected_reboot, RebootPolicy::kFail);
  EXPECT_EQ(to_json(*retry).value("on_unexpected_reboot", ""), "retry_stage");
  EXPECT_FALSE(to_json(*fail).contains("on_unexpected_reboot"));
  EXPECT_FALSE(to_json(*unset).contains("on_unexpected_reboot"));
  for (auto p : {RebootPolicy::kFail, RebootPolicy::kRetryStage, RebootPolicy::kContinue}) {
    EXPECT_EQ(reboot_policy_from_string(to_string(p)), p);
  }
  EXPECT_FALSE(reboot_policy_from_string("FAIL"));
}

TEST_F(ConfigDir, NoDeliveryAndNoDefaultIsAnError) {
  write("deliveries/po1.yaml", kDelivery);
  auto c = load_config_dir(dir_);
  ASSERT_TRUE(c.ok());
  auto r = resolve(*c, fru("PO-2", "SN"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("no delivery matches FRU asset tag 'PO-2'"));
}

TEST_F(ConfigDir, ProfileOverride) {
  write("profiles/full.yaml", "profile: full\nstages:\n  - stage: inventory\n");
  write("deliveries/po1.yaml", kDelivery);
  auto c = load_config_dir(dir_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(resolve(*c, fru("PO-1", "SN1"), std::string("full"))->profile.name, "full");
  EXPECT_FALSE(resolve(*c, fru("PO-1", "SN1"), std::string("nope")).ok());
}

TEST(ShippedConfigs, LoadCleanly) {
  auto c = load_config_dir(std::string(KILN_SOURCE_DIR) + "/configs");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->default_delivery.has_value());
  for (const char* name : {"quick", "standard", "full"})
    EXPECT_TRUE(c->profiles.contains(name)) << name;
}

}  // namespace
}  // namespace kiln
