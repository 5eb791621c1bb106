// bmc-reset against a fake host answering with outputs captured from ipmi_sim:
// the kept user stays, a change the BMC did not take FAILs, a missing kept
// user disables nobody, burn-in mode changes nothing.
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/stage_harness.hpp"

namespace kiln::runner::testing {
namespace {

const std::string kHeader = "ID  Name\t     Callin  Link Auth\tIPMI Msg   Channel Priv Limit\n";
const std::string kBefore = kHeader +
                            "1                    true    false      true       USER\n"
                            "2   admin            true    false      true       ADMINISTRATOR\n"
                            "3   olduser          true    false      true       ADMINISTRATOR\n"
                            "4                    true    false      false      Unknown (0x00)\n";
const std::string kAfter = kHeader +
                           "1                    true    false      false      NO ACCESS\n"
                           "2   admin            true    false      true       ADMINISTRATOR\n"
                           "3                    true    false      false      NO ACCESS\n"
                           "4                    true    false      false      Unknown (0x00)\n";

struct BmcHarness : StageHarness {
  BmcHarness() {
    options.mode = "decommission";
    options.decommission_confirmed = true;
    host.on({"ipmitool", "user", "list", "1"}, FakeHostAdapter::exited(0, kBefore));
    host.on({"ipmitool", "user", "set"}, FakeHostAdapter::exited(0));
    host.on({"ipmitool", "user", "priv"}, FakeHostAdapter::exited(0));
    host.on({"ipmitool", "user", "disable"}, FakeHostAdapter::exited(0));
    host.on({"ipmitool", "user", "summary"},
            FakeHostAdapter::exited(0, "Maximum IDs\t    : 63\nEnabled User Count  : 1\n"));
    host.on({"ipmitool", "sel", "clear"},
            FakeHostAdapter::exited(0, "Clearing SEL.  Please allow a few seconds to erase.\n"));
    host.on({"ipmitool", "sel", "info"},
            FakeHostAdapter::exited(
                0, test_data("ipmitool-config", "ipmi_sim-sel-info-2-entries.txt")));
    host.on({"ipmitool", "sel", "info"},
            FakeHostAdapter::exited(0, "SEL Information\nEntries          : 0\n"));
    host.on({"ipmitool", "lan", "set"}, FakeHostAdapter::exited(0));
    host.on({"ipmitool", "lan", "print"},
            FakeHostAdapter::exited(
                0, test_data("ipmitool-config", "ipmi_sim-lan-print-after-reset-dhcp.txt")));
  }
  [[nodiscard]] bool touched_user(const std::string& id) const {
    for (const auto& argv : host.calls()) {
      if (argv.size() > 3 && argv[1] == "user" && argv[2] != "list" && argv[2] != "summary" &&
          std::find(argv.begin(), argv.end(), id) != argv.end() && argv[3] != "name")
        return true;
      if (argv.size() > 4 && argv[1] == "user" && argv[3] == "name" && argv[4] == id) return true;
    }
    return false;
  }
};

TEST(BmcResetStage, EveryUserButTheKeptOneIsClearedAndReadBack) {
  BmcHarness h;
  h.host.on({"ipmitool", "user", "list", "1"}, FakeHostAdapter::exited(0, kAfter));
  EXPECT_EQ(h.run("bmc-reset"), Outcome::pass()) << h.errors() << h.failures();
  EXPECT_TRUE(h.touched_user("1"));
  EXPECT_TRUE(h.touched_user("3"));
  EXPECT_FALSE(h.touched_user("2"));  // admin is kept
  EXPECT_FALSE(h.touched_user("4"));  // an unused slot
  EXPECT_TRUE(h.host.ran({"ipmitool", "lan", "set", "1", "ipsrc", "dhcp"}));
  EXPECT_TRUE(h.host.ran({"ipmitool", "lan", "set", "1", "defgw", "ipaddr", "0.0.0.0"}));
  const auto& bmc = h.record.evidence["bmc"];
  EXPECT_EQ(bmc["result"], "reset");
  EXPECT_EQ(bmc["users_before"].size(), 3U);
  for (const auto& a : bmc["actions"]) EXPECT_EQ(a["result"], "ok") << a.dump();
  EXPECT_NE(bmc["user_commands"]["3"][0].get<std::string>().find("user set password 3 ****"),
            std::string::npos)
      << bmc["user_commands"].dump();  // no credential in the certificate
}

// The throw-away passwords given to disabled users are in no message, log line or
// certificate evidence, even when the BMC's tool echoes them back in its error.
TEST(BmcResetStage, ThrowAwayPasswordsAppearNowhere) {
  BmcHarness h;
  h.host.on({"ipmitool", "user", "list", "1"}, FakeHostAdapter::exited(0, kAfter));
  h.host.on({"ipmitool", "user", "set", "password"}, [](const CommandSpec& spec) {
    return FakeHostAdapter::exited(
        1, "", "Set User Password command failed: '" + spec.argv.back() + "' refused\n");
  });
  h.run("bmc-reset");
  std::vector<std::string> given;
  for (const auto& argv : h.host.calls()) {
    if (argv.size() == 6 && argv[1] == "user" && argv[3] == "password") given.push_back(argv[5]);
  }
  ASSERT_EQ(given.size(), 2U);  // users 1 and 3
  EXPECT_NE(given[0], given[1]);
  const std::string everything = h.failures() + h.errors() + h.logs() + h.record.evidence.dump();
  EXPECT_NE(everything.find("Set User Password command failed: '****' refused"), std::string::npos)
      << everything;  // the failure is reported, without the password
  for (const auto& password : given) {
    EXPECT_GE(password.size(), 16U);
    EXPECT_EQ(everything.find(password), std::string::npos) << password << " in " << everything;
  }
}

TEST(BmcResetStage, AUserTheBmcDidNotDisableFailsNamingIt) {
  BmcHarness h;  // the read-back still shows olduser with ADMINISTRATOR
  EXPECT_EQ(h.run("bmc-reset"), Outcome::fail());
  EXPECT_NE(h.failures().find("user 3 disabled and cleared: expected name '', privilege NO ACCESS"),
            std::string::npos)
      << h.failures();
  EXPECT_EQ(h.record.evidence["bmc"]["result"], "failed");
}

TEST(BmcResetStage, LanSettingNotTakenFails) {
  BmcHarness h;
  h.host.on({"ipmitool", "user", "list", "1"}, FakeHostAdapter::exited(0, kAfter));
  h.list_param("lan", {"ipsrc=static", "ipaddr=0.0.0.0"});
  EXPECT_EQ(h.run("bmc-reset"), Outcome::fail());
  KILN_EXPECT_FAILURE(
      h.record, "KILN-BMC-RESET-NOT-APPLIED",
      "BMC: LAN channel 1 IP Address Source: expected Static Address, read back DHCP Address "
      "\u2014 apply it with the vendor's tool, or reset the BMC to factory "
      "defaults by hand");
}

TEST(BmcResetStage, AMissingKeptUserDisablesNobody) {
  BmcHarness h;
  h.param("keep_user", "ADMIN");
  EXPECT_EQ(h.run("bmc-reset"), Outcome::error());
  EXPECT_NE(h.errors().find("bmc-keep-user-missing"), std::string::npos) << h.errors();
  EXPECT_FALSE(h.host.ran({"ipmitool", "user", "disable"}));
}

TEST(BmcResetStage, BurnInModeChangesNothing) {
  BmcHarness h;
  h.options.mode = "burnin";
  EXPECT_EQ(h.run("bmc-reset"), Outcome::error());
  EXPECT_NE(h.errors().find("bmc-reset-refused"), std::string::npos);
  EXPECT_TRUE(h.host.calls().empty());
}

}  // namespace
}  // namespace kiln::runner::testing
