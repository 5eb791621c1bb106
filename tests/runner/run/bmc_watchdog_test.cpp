// The run's BMC watchdog: the IPMI Set Watchdog Timer bytes, the countdown
// started and petted, switched off at the end; a BMC that refuses it is an
// error naming the command and leaves nothing armed.
#include "run/bmc_watchdog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "runner/fake_host.hpp"

namespace kiln::runner::testing {
namespace {

using ::testing::HasSubstr;
using Argv = std::vector<std::string>;

TEST(BmcWatchdog, SetTimerBytesAreSmsOsHardResetInTenthsOfASecond) {
  EXPECT_EQ(watchdog_set_argv(std::nullopt, std::chrono::seconds(600)),
            (Argv{"ipmitool", "raw", "0x06", "0x24", "0x04", "0x01", "0x00", "0x10", "0x70",
                  "0x17"}));  // 6000 = 0x1770
  EXPECT_EQ(watchdog_set_argv(std::nullopt, std::chrono::hours(5)).back(), "0xff");  // capped
  tools::IpmiLanTarget lan{"10.0.0.9", 623, "admin", "secret"};
  auto over_lan = watchdog_set_argv(lan, std::chrono::seconds(60));
  EXPECT_THAT(over_lan, ::testing::Contains("lanplus"));
  EXPECT_EQ(over_lan[over_lan.size() - 2], "0x58");  // 600 = 0x0258
}

TEST(BmcWatchdog, ArmedPettedAndSwitchedOff) {
  FakeHostAdapter host;
  host.on({"ipmitool"}, FakeHostAdapter::exited(0));
  auto dog = BmcWatchdog::arm(host, std::nullopt, std::chrono::seconds(600),
                              std::chrono::milliseconds(10));
  ASSERT_TRUE(dog) << dog.error().message;
  for (int i = 0; i < 200 && (*dog)->pets() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE((*dog)->pets(), 2);
  EXPECT_EQ((*dog)->disarm(), "");
  const auto calls = host.calls();
  ASSERT_GE(calls.size(), 4U);
  EXPECT_EQ(calls[0], watchdog_set_argv(std::nullopt, std::chrono::seconds(600)));
  EXPECT_EQ(calls[1], (Argv{"ipmitool", "mc", "watchdog", "reset"}));  // starts the countdown
  EXPECT_EQ(calls.back(), (Argv{"ipmitool", "mc", "watchdog", "off"}));
  EXPECT_EQ((*dog)->disarm(), "");  // once only
  EXPECT_EQ(host.calls().size(), calls.size());
}

TEST(BmcWatchdog, ABmcThatRefusesTheTimerLeavesNothingArmed) {
  FakeHostAdapter host;
  host.on({"ipmitool", "raw"},
          FakeHostAdapter::exited(1, "",
                                  "Unable to send RAW command (channel=0x0 netfn=0x6 "
                                  "lun=0x0 cmd=0x24 rsp=0xc1): Invalid command\n"));
  host.on({"ipmitool"}, FakeHostAdapter::exited(0));
  auto dog = BmcWatchdog::arm(host, std::nullopt, std::chrono::seconds(600),
                              std::chrono::milliseconds(10));
  ASSERT_FALSE(dog);
  EXPECT_THAT(dog.error().message, HasSubstr("ipmitool raw 0x06 0x24"));
  EXPECT_THAT(dog.error().message, HasSubstr("exit 1: Unable to send RAW command"));
  EXPECT_FALSE(host.ran({"ipmitool", "mc", "watchdog", "reset"}));
}

TEST(BmcWatchdog, AFailedStartSwitchesTheTimerOffAgain) {
  FakeHostAdapter host;
  host.on({"ipmitool", "mc", "watchdog", "reset"},
          FakeHostAdapter::exited(1, "", "Watchdog Timer Reset command failed\n"));
  host.on({"ipmitool"}, FakeHostAdapter::exited(0));
  auto dog = BmcWatchdog::arm(host, std::nullopt, std::chrono::seconds(600),
                              std::chrono::milliseconds(10));
  ASSERT_FALSE(dog);
  EXPECT_THAT(dog.error().message, HasSubstr("Watchdog Timer Reset command failed"));
  EXPECT_TRUE(host.ran({"ipmitool", "mc", "watchdog", "off"}));
}

TEST(BmcWatchdog, APasswordNeverReachesAMessage) {
  FakeHostAdapter host;
  host.on({"ipmitool"},
          FakeHostAdapter::exited(1, "", "Error: Unable to establish IPMI v2 session\n"));
  tools::IpmiLanTarget lan{"10.0.0.9", 623, "admin", "hunter2-secret"};
  auto dog = BmcWatchdog::arm(host, lan, std::chrono::seconds(600), std::chrono::seconds(60));
  ASSERT_FALSE(dog);
  EXPECT_THAT(dog.error().message, HasSubstr("Unable to establish IPMI v2 session"));
  EXPECT_THAT(dog.error().message, ::testing::Not(HasSubstr("hunter2-secret")));
}

}  // namespace
}  // namespace kiln::runner::testing
