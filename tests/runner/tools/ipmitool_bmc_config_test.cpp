// ipmitool user/lan/sel read-backs, captured from OpenIPMI ipmi_sim on this machine.
#include "tools/ipmitool_bmc_config.hpp"

#include <gtest/gtest.h>

#include "tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

TEST(IpmitoolUserList, NamesPrivilegesAndEmptyNames) {
  auto users = parse_ipmitool_user_list(
      data_file("ipmitool-config", "ipmi_sim-user-list-after-reset-user4-enabled.txt"));
  ASSERT_TRUE(users.ok()) << users.error().message;
  ASSERT_EQ(users->size(), 63U);
  EXPECT_EQ((*users)[0].id, 1);
  EXPECT_EQ((*users)[0].name, "");
  EXPECT_EQ((*users)[1].name, "admin");
  EXPECT_EQ((*users)[1].privilege, "ADMINISTRATOR");
  EXPECT_TRUE((*users)[1].ipmi_msg);
  EXPECT_EQ((*users)[2].name, "");
  EXPECT_EQ((*users)[2].privilege, "NO ACCESS");
  EXPECT_EQ((*users)[3].name, "ops-bob");
  EXPECT_EQ((*users)[4].privilege, "Unknown (0x00)");
}

TEST(IpmitoolUserList, TruncatedRowsAreSkippedAndNoHeaderIsAnError) {
  std::string full =
      data_file("ipmitool-config", "ipmi_sim-user-list-after-reset-user4-enabled.txt");
  auto cut = parse_ipmitool_user_list(full.substr(0, full.find("admin") + 30));  // "...true    fa"
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->size(), 1U);  // the half-printed admin row is dropped, not misread
  EXPECT_FALSE(
      parse_ipmitool_user_list("Get User Access command failed (channel 1, user 1)\n").ok());
}

TEST(IpmitoolLanPrint, FieldsAfterAReset) {
  auto lan = parse_ipmitool_lan_print(
      data_file("ipmitool-config", "ipmi_sim-lan-print-after-reset-dhcp.txt"));
  ASSERT_TRUE(lan.ok());
  EXPECT_EQ(lan->at("IP Address Source"), "DHCP Address");
  EXPECT_EQ(lan->at("IP Address"), "0.0.0.0");
  EXPECT_EQ(lan->at("Default Gateway IP"), "0.0.0.0");
  EXPECT_FALSE(parse_ipmitool_lan_print("Invalid channel 9\n").ok());
}

TEST(IpmitoolSel, EntriesAndEnabledUsers) {
  auto entries =
      parse_ipmitool_sel_entries(data_file("ipmitool-config", "ipmi_sim-sel-info-2-entries.txt"));
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(*entries, 2);
  auto enabled =
      parse_ipmitool_enabled_user_count(data_file("ipmitool-config", "ipmi_sim-user-summary.txt"));
  ASSERT_TRUE(enabled.ok());
  EXPECT_EQ(*enabled, 2);
  EXPECT_EQ(parse_ipmitool_user_enabled(data_file(
                "ipmitool-config", "ipmi_sim-channel-getaccess-enable-status-unknown.txt")),
            std::nullopt);
  EXPECT_FALSE(parse_ipmitool_sel_entries("SEL Information\nVersion : 1.5\n").ok());
}

}  // namespace
}  // namespace kiln::tools
