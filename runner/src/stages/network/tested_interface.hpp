// The NICs the network stage tests, and what it needs of each: identity for
// diagnoses (name, MAC, PCI address), IPv4 address and broadcast, negotiated
// speed. Read through the host adapter (/sys/class/net, `ip -j addr`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/host_adapter.hpp"
#include "kiln/catalog/component.hpp"
#include "kiln/expected.hpp"

namespace kiln::runner::network {

struct TestedInterface {
  std::string name;
  std::string mac;
  std::string pci_address;  // "" for virtual NICs (veth in a namespace)
  std::string addr;         // IPv4
  std::string broadcast;
  std::uint32_t speed_mbps = 0;  // 0 = unknown
  std::string model{};           // driver and PCI ids: "ice 8086:1592"; "" for a veth
  // Who the NIC is, as OCPTV hardwareInfo: MAC as its serial, PCI address as
  // its location, the link speed its delivery batch groups by.
  [[nodiscard]] catalog::ComponentIdentity identity() const;
  // "NIC eth0 (MAC aa:.., PCI 0000:3b:00.0)": the component in diagnoses.
  [[nodiscard]] std::string component() const;
};

struct Ipv4Address {
  std::string local;
  std::string broadcast;  // computed from the prefix when ip prints none
  int prefix = 32;
};

// Pure: the first IPv4 address in `ip -j -4 addr show dev IFACE` output.
Expected<Ipv4Address> parse_ip_addr_json(std::string_view text, std::string_view iface);
// "10.77.0.5", 24 -> "10.77.0.255"; "" when `local` is not IPv4.
std::string ipv4_broadcast(const std::string& local, int prefix);

// `names` empty: every NIC with a device link (hardware) and operstate up.
// Named interfaces are taken as given (veth in a namespace has no device link).
Expected<std::vector<TestedInterface>> find_tested_interfaces(
    HostAdapter& host, const std::vector<std::string>& names);

// The identities of the NICs find_tested_interfaces would test, from sysfs
// alone (no address needed): what the run declares before the stage starts.
std::vector<catalog::ComponentIdentity> tested_interface_identities(
    HostAdapter& host, const std::vector<std::string>& names);

}  // namespace kiln::runner::network
