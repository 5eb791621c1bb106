#include "tools/ipmitool_target.hpp"

namespace kiln::tools {

std::vector<std::string> ipmitool_prefix(const std::optional<IpmiLanTarget>& lan) {
  std::vector<std::string> argv{"ipmitool"};
  if (lan) {
    argv.insert(argv.end(),
                {"-I", "lanplus", "-H", lan->host, "-p", std::to_string(lan->port), "-U", lan->user,
                 "-P", lan->password, "-C", std::to_string(lan->cipher_suite)});
  }
  return argv;
}

}  // namespace kiln::tools
