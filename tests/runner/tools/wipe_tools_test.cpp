// nvme-cli, hdparm and sg3-utils parsers on captured outputs: real drives'
// (from public write-ups), this machine's loop devices (the tools' failure
// modes), and truncated copies of both.
#include <gtest/gtest.h>

#include "tool_test_data.hpp"
#include "tools/hdparm.hpp"
#include "tools/nvme_cli.hpp"
#include "tools/sg3_utils.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

TEST(NvmeIdCtrl, WdSn730SupportsCryptoAndBlockSanitizeAndCryptoFormat) {
  auto c = parse_nvme_id_ctrl(data_file("nvme", "wd-sn730-id-ctrl-sanicap-crypto-block-fna4.json"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->model, "WDC PC SN730 SDBQNTY-256G-1001");
  EXPECT_EQ(c->serial, "1951B3444502");
  EXPECT_EQ(c->sanicap, 1610612739U);
  EXPECT_TRUE(c->sanitize_crypto());
  EXPECT_TRUE(c->sanitize_block());
  EXPECT_FALSE(c->sanitize_overwrite());
  EXPECT_TRUE(c->format_supported());  // oacs 23 = 0b10111
  EXPECT_TRUE(c->format_crypto());     // fna 4
}

TEST(NvmeIdCtrl, LoopDeviceFailureAndTruncatedJsonAreErrors) {
  auto loop = parse_nvme_id_ctrl(data_file("nvme", "loop-id-ctrl.txt"));
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().message.find("no JSON object"), std::string::npos);
  std::string full = data_file("nvme", "wd-sn730-id-ctrl-sanicap-crypto-block-fna4.json");
  for (std::size_t cut : {std::size_t{1}, full.size() / 3, full.size() / 2, full.size() - 3}) {
    auto truncated = parse_nvme_id_ctrl(full.substr(0, cut));
    EXPECT_FALSE(truncated.ok()) << "cut at " << cut;
  }
  EXPECT_FALSE(parse_nvme_id_ctrl("{\"sn\": \"x\"}").ok());  // no sanicap/oacs
}

TEST(NvmeSanitizeLog, NestedStatusOfNvmeCli2) {
  auto done = parse_nvme_sanitize_log(data_file("nvme", "AUTHOR-sanitize-log-2x-completed.json"));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->completed());
  EXPECT_EQ(done->sstat & 0x100U, 0x100U);  // global data erased
  auto running =
      parse_nvme_sanitize_log(data_file("nvme", "AUTHOR-sanitize-log-2x-in-progress.json"));
  ASSERT_TRUE(running.ok());
  EXPECT_TRUE(running->in_progress());
  EXPECT_DOUBLE_EQ(running->fraction(), 0.25);
}

TEST(NvmeSanitizeLog, FlatLayoutOfNvmeCli1AndFailures) {
  auto flat = parse_nvme_sanitize_log(R"({"nvme0": {"sprog": 65535, "sstat": 259}})");
  ASSERT_TRUE(flat.ok());
  EXPECT_TRUE(flat->failed());
  EXPECT_FALSE(parse_nvme_sanitize_log(data_file("nvme", "loop-sanitize-log.txt")).ok());
  EXPECT_FALSE(
      parse_nvme_sanitize_log(R"({"nvme0": {"sprog": 1, "sstat": {"status": "garbage"}}})").ok());
}

TEST(NvmeArgv, ControllerOfNamespaceAndCommands) {
  EXPECT_EQ(nvme_controller_of("/dev/nvme12n3"), "/dev/nvme12");
  EXPECT_EQ(nvme_controller_of("/dev/nvme0"), "/dev/nvme0");
  EXPECT_EQ(nvme_sanitize_argv("/dev/nvme0", NvmeSanitizeAction::kCryptoErase),
            (std::vector<std::string>{"nvme", "sanitize", "/dev/nvme0", "--sanact=4"}));
  EXPECT_EQ(nvme_format_argv("/dev/nvme0n1", 1),
            (std::vector<std::string>{"nvme", "format", "/dev/nvme0n1", "--ses=1", "--force"}));
}

TEST(HdparmIdentify, MicronFrozenWithEnhancedErase) {
  auto id =
      parse_hdparm_identify(data_file("hdparm", "micron-5300-ssd-frozen-sanitize-feature-set.txt"));
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->model, "Micron_5300_MTFDDAK1T9TDS");
  EXPECT_EQ(id->serial, "214031A57D1D");
  EXPECT_TRUE(id->solid_state);
  EXPECT_TRUE(id->sanitize_feature);
  ASSERT_TRUE(id->security.has_value());
  EXPECT_TRUE(id->security->supported);
  EXPECT_TRUE(id->security->frozen);
  EXPECT_FALSE(id->security->enabled);
  EXPECT_FALSE(id->security->locked);
  EXPECT_TRUE(id->security->enhanced_erase);
  EXPECT_EQ(id->security->erase_minutes, 2);
  EXPECT_EQ(id->lba48_sectors, 3750748848U);
}

TEST(HdparmIdentify, WdRedNotFrozenWithHpaAndDcoFeatures) {
  auto id = parse_hdparm_identify(data_file("hdparm", "wd20efrx-hdd-not-frozen-hpa-dco.txt"));
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->serial, "WD-WMC301187959");
  EXPECT_FALSE(id->solid_state);
  EXPECT_TRUE(id->hpa_feature);
  EXPECT_TRUE(id->dco_feature);
  ASSERT_TRUE(id->security.has_value());
  EXPECT_FALSE(id->security->frozen);
  EXPECT_EQ(id->security->enhanced_erase_minutes, 278);
}

TEST(HdparmIdentify, LoopDeviceExitsZeroWithNothingAndTruncationLosesTheSecuritySection) {
  auto loop = parse_hdparm_identify(data_file("hdparm", "loop-hdparm-I.txt"));
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().remedy.find("NVMe, SCSI"), std::string::npos);
  std::string full = data_file("hdparm", "micron-5300-ssd-frozen-sanitize-feature-set.txt");
  auto cut = parse_hdparm_identify(full.substr(0, full.find("Security:")));
  ASSERT_TRUE(cut.ok());
  EXPECT_FALSE(cut->security.has_value());  // no security section: no security erase chosen
  EXPECT_FALSE(parse_hdparm_identify(full.substr(0, 20)).ok());
}

TEST(HdparmHiddenAreas, MaxSectorsAndDco) {
  auto hpa = parse_hdparm_max_sectors(
      "\n/dev/sda:\n max sectors   = 1953523055/1953525168, HPA is enabled\n");
  ASSERT_TRUE(hpa.ok());
  EXPECT_TRUE(hpa->enabled);
  EXPECT_EQ(hpa->hidden_sectors(), 2113U);
  auto none = parse_hdparm_max_sectors(" max sectors   = 3907029168/3907029168, HPA is disabled\n");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->enabled);
  EXPECT_FALSE(parse_hdparm_max_sectors(data_file("hdparm", "loop-hdparm-N.txt")).ok());
  EXPECT_FALSE(parse_hdparm_max_sectors(" max sectors   = 1953523055/").ok());  // truncated
  auto dco = parse_hdparm_dco_real_max("DCO Revision: 0x0002\n\tReal max sectors: 1953525168\n");
  ASSERT_TRUE(dco.ok());
  EXPECT_EQ(*dco, 1953525168U);
  auto loop_dco = parse_hdparm_dco_real_max(data_file("hdparm", "loop-hdparm-dco-identify.txt"));
  ASSERT_FALSE(loop_dco.ok());
  EXPECT_NE(loop_dco.error().message.find("HDIO_DRIVE_CMD(dco_identify) failed"),
            std::string::npos);
}

TEST(SgOpcodes, SanitizeServiceActionsAndLoopFailure) {
  auto s = parse_sg_opcodes(data_file("sg3-utils", "AUTHOR-sg_opcodes-sanitize-crypto-block.txt"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s->crypto_erase);
  EXPECT_TRUE(s->block_erase);
  EXPECT_TRUE(s->overwrite);
  EXPECT_TRUE(s->format_unit);
  auto loop = parse_sg_opcodes(data_file("sg3-utils", "loop-sg_opcodes.txt"));
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().message.find("pass-through os error"), std::string::npos);
  std::string full = data_file("sg3-utils", "AUTHOR-sg_opcodes-sanitize-crypto-block.txt");
  auto cut = parse_sg_opcodes(full.substr(0, full.find(" 48        2")));
  ASSERT_TRUE(cut.ok());
  EXPECT_FALSE(cut->crypto_erase);
  EXPECT_TRUE(cut->overwrite);
}

}  // namespace
}  // namespace kiln::tools
