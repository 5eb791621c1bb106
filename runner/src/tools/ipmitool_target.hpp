// Which BMC an ipmitool command talks to: the local one in-band (/dev/ipmi0) or
// a remote one over IPMI v2.0 LAN (lanplus).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kiln::tools {

struct IpmiLanTarget {
  std::string host;
  int port = 623;
  std::string user;
  std::string password;
  int cipher_suite = 3;  // -C 3: AES-CBC-128 with HMAC-SHA1, accepted by nearly every BMC
};

// "ipmitool" followed by the interface options: nothing for in-band,
// "-I lanplus -H host -p port -U user -P pass -C 3" for LAN. Note that -P puts
// the password in /proc/<pid>/cmdline while ipmitool runs; the host adapter
// logs argv, so it must redact the argument after "-P".
std::vector<std::string> ipmitool_prefix(const std::optional<IpmiLanTarget>& lan);

}  // namespace kiln::tools
