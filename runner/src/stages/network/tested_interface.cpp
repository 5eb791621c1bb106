#include "stages/network/tested_interface.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>

#include "kiln/json_input.hpp"

namespace kiln::runner::network {
namespace {

std::uint32_t read_speed(HostAdapter& host, const std::string& name) {
  std::string text = read_trimmed(host, "/sys/class/net/" + name + "/speed");
  long long v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || v <= 0 || v > 10'000'000) return 0;  // -1 or unreadable: unknown
  return static_cast<std::uint32_t>(v);
}

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "0x8086" -> "8086".
std::string pci_id(HostAdapter& host, const std::string& path) {
  std::string id = read_trimmed(host, path);
  return id.starts_with("0x") ? id.substr(2) : id;
}

// What sysfs says of the NIC: MAC, PCI address, driver and ids, link speed.
Expected<TestedInterface> describe_link(HostAdapter& host, const std::string& name) {
  std::string base = "/sys/class/net/" + name;
  if (!host.exists(base)) {
    return make_error("network-no-interface", fmt::format("interface '{}' does not exist", name),
                      "check the `interfaces` parameter of the network stage");
  }
  TestedInterface t;
  t.name = name;
  t.mac = read_trimmed(host, base + "/address");
  if (auto dev = host.read_link(base + "/device")) {
    t.pci_address = basename_of(*dev);
    std::string model;
    if (auto driver = host.read_link(base + "/device/driver")) model = basename_of(*driver);
    std::string vendor = pci_id(host, base + "/device/vendor");
    std::string device = pci_id(host, base + "/device/device");
    if (!vendor.empty() && !device.empty()) {
      model += fmt::format("{}{}:{}", model.empty() ? "" : " ", vendor, device);
    }
    t.model = model;
  }
  t.speed_mbps = read_speed(host, name);
  return t;
}

std::vector<std::string> chosen_interfaces(HostAdapter& host,
                                           const std::vector<std::string>& names) {
  std::vector<std::string> chosen = names;
  if (chosen.empty()) {
    auto nets = host.list_dir("/sys/class/net");
    if (!nets) return chosen;
    for (const auto& n : *nets) {
      std::string base = "/sys/class/net/" + n;
      if (host.exists(base + "/device") && read_trimmed(host, base + "/operstate") == "up")
        chosen.push_back(n);
    }
  }
  return chosen;
}

Expected<TestedInterface> describe(HostAdapter& host, const std::string& name) {
  auto link = describe_link(host, name);
  if (!link) return link.error();
  TestedInterface t = std::move(*link);
  auto ip = host.run({{"ip", "-j", "-4", "addr", "show", "dev", name},
                      std::chrono::seconds(10),
                      std::nullopt,
                      std::nullopt});
  if (!ip) return ip.error();
  if (!ip->exited_with(0)) {
    return make_error("network-ip-failed", fmt::format("ip -j -4 addr show dev {}: {}: {}", name,
                                                       ip->describe(), ip->stderr_tail()));
  }
  auto addr = parse_ip_addr_json(ip->stdout_text, name);
  if (!addr) return addr.error();
  t.addr = addr->local;
  t.broadcast = addr->broadcast;
  return t;
}

}  // namespace

catalog::ComponentIdentity TestedInterface::identity() const {
  catalog::ComponentIdentity id;
  id.kind = "nic";
  id.name = name;
  id.model = model;
  id.serial = mac;
  id.location = pci_address;
  if (speed_mbps > 0) id.speed_mbps = speed_mbps;
  return id;
}

std::string TestedInterface::component() const {
  return catalog::label(identity());
}

std::vector<catalog::ComponentIdentity> tested_interface_identities(
    HostAdapter& host, const std::vector<std::string>& names) {
  std::vector<catalog::ComponentIdentity> out;
  for (const auto& n : chosen_interfaces(host, names)) {
    if (auto t = describe_link(host, n)) out.push_back(t->identity());
  }
  return out;
}

std::string ipv4_broadcast(const std::string& local, int prefix) {
  in_addr a{};
  if (::inet_pton(AF_INET, local.c_str(), &a) != 1 || prefix < 0 || prefix > 32) return {};
  std::uint32_t host_bits =
      prefix == 0 ? 0xffffffffU : (prefix == 32 ? 0U : (0xffffffffU >> prefix));
  a.s_addr = htonl(ntohl(a.s_addr) | host_bits);
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

Expected<Ipv4Address> parse_ip_addr_json(std::string_view text, std::string_view iface) {
  auto doc = parse_json(text, "ip -j addr", 1U << 20U);
  if (!doc) return doc.error();
  if (doc->is_array()) {
    for (const auto& link : *doc) {
      const auto* infos = json_path(link, {"addr_info"});
      if (infos == nullptr || !infos->is_array()) continue;
      for (const auto& info : *infos) {
        if (json_string(info, "family").value_or("") != "inet") continue;
        Ipv4Address a;
        a.local = json_string(info, "local").value_or("");
        a.prefix = static_cast<int>(json_integer(info, "prefixlen").value_or(32));
        a.broadcast = json_string(info, "broadcast").value_or(ipv4_broadcast(a.local, a.prefix));
        if (!a.local.empty()) return a;
      }
    }
  }
  return make_error(
      "network-no-address", fmt::format("interface {} has no IPv4 address", iface),
      "the network stage needs an IPv4 address on every tested interface (DHCP in the ramdisk?)");
}

Expected<std::vector<TestedInterface>> find_tested_interfaces(
    HostAdapter& host, const std::vector<std::string>& names) {
  if (names.empty()) {
    if (auto nets = host.list_dir("/sys/class/net"); !nets) return nets.error();
  }
  std::vector<std::string> chosen = chosen_interfaces(host, names);
  std::vector<TestedInterface> out;
  for (const auto& n : chosen) {
    auto t = describe(host, n);
    if (!t) return t.error();
    out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace kiln::runner::network
