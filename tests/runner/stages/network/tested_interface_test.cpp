// Addresses from `ip -j -4 addr` (captured in a namespace) and broadcast math.
#include "stages/network/tested_interface.hpp"

#include <gtest/gtest.h>

namespace kiln::runner::network {
namespace {

TEST(TestedInterface, ParsesIpJson) {
  auto a = parse_ip_addr_json(
      R"([{"ifindex":2,"ifname":"kt7771x","flags":["BROADCAST","UP"],"mtu":1500,"operstate":"UP",)"
      R"("addr_info":[{"family":"inet","local":"10.99.0.1","prefixlen":24,"broadcast":"10.99.0.255",)"
      R"("scope":"global","label":"kt7771x"}]}])",
      "kt7771x");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->local, "10.99.0.1");
  EXPECT_EQ(a->prefix, 24);
  EXPECT_EQ(a->broadcast, "10.99.0.255");
}

TEST(TestedInterface, ComputesBroadcastWhenIpPrintsNone) {
  auto a = parse_ip_addr_json(
      R"([{"addr_info":[{"family":"inet","local":"172.16.5.9","prefixlen":20}]}])", "e");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->broadcast, "172.16.15.255");
  EXPECT_EQ(ipv4_broadcast("10.0.0.1", 32), "10.0.0.1");
  EXPECT_EQ(ipv4_broadcast("10.0.0.1", 0), "255.255.255.255");
  EXPECT_EQ(ipv4_broadcast("fe80::1", 64), "");
}

TEST(TestedInterface, NoAddressIsAnErrorNotAThrow) {
  for (std::string_view bad : {"", "[]", "[{}]", R"([{"addr_info":"x"}])",
                               R"([{"addr_info":[{"family":"inet6"}]}])", "{\"unterminated"}) {
    auto a = parse_ip_addr_json(bad, "eth0");
    EXPECT_FALSE(a) << bad;
  }
}

TEST(TestedInterface, ComponentNamesMacAndPci) {
  TestedInterface t{"eth0", "aa:bb:cc:dd:ee:ff", "0000:3b:00.0", "10.0.0.1", "10.0.0.255", 25000};
  EXPECT_EQ(t.component(), "NIC eth0 (MAC aa:bb:cc:dd:ee:ff, PCI 0000:3b:00.0)");
  t.pci_address.clear();
  EXPECT_EQ(t.component(), "NIC eth0 (MAC aa:bb:cc:dd:ee:ff, PCI none)");
}

}  // namespace
}  // namespace kiln::runner::network
