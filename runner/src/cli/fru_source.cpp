#include "cli/fru_source.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tools/ipmitool_fru.hpp"

namespace kiln::runner {

Expected<tools::IpmiLanTarget> parse_bmc_address(const std::string& text, const std::string& user,
                                                 const std::string& password) {
  tools::IpmiLanTarget target;
  target.user = user;
  target.password = password;
  auto colon = text.rfind(':');
  target.host = text.substr(0, colon);
  if (colon != std::string::npos) {
    std::string port = text.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), target.port);
    if (ec != std::errc() || p != port.data() + port.size() || target.port <= 0 || target.port > 65535) {
      return make_error("KILN-USAGE", fmt::format("--bmc '{}': port must be 1-65535", text));
    }
  }
  if (target.host.empty()) return make_error("KILN-USAGE", fmt::format("--bmc '{}': no host", text));
  return target;
}

Expected<FruInfo> read_fru(HostAdapter& host, const FruSource& source) {
  if (source.file) {
    std::ifstream in(*source.file, std::ios::binary);
    if (!in) return make_error("KILN-FRU-READ", fmt::format("cannot read FRU file {}", *source.file));
    std::ostringstream ss;
    ss << in.rdbuf();
    auto fru = tools::parse_ipmitool_fru(ss.str());
    if (!fru) {
      return make_error(fru.error().code, fmt::format("{}: {}", *source.file, fru.error().message));
    }
    return fru;
  }
  auto argv = tools::ipmitool_fru_argv(source.lan);
  auto result = host.run({argv, std::chrono::seconds(60), std::nullopt, std::nullopt});
  if (!result) return result.error();
  std::string shown = printable_command(argv);  // never echoes the BMC password
  if (!result->exited_with(0)) {
    return make_error("KILN-FRU-READ",
                      fmt::format("{}: {}: {}", shown, result->describe(), result->stderr_tail()),
                      source.lan ? "check the BMC address, port, user and password"
                                 : "load ipmi_si/ipmi_devintf and check /dev/ipmi0");
  }
  auto fru = tools::parse_ipmitool_fru(result->stdout_text);
  if (!fru) return make_error(fru.error().code, fmt::format("{}: {}", shown, fru.error().message));
  return fru;
}

}  // namespace kiln::runner
