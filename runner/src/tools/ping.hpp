// ping (iputils): argv and the summary it prints at the end.
//   5 packets transmitted, 5 received, 0% packet loss, time 860ms
//   rtt min/avg/max/mdev = 0.047/0.125/0.425/0.149 ms
// ping exits 1 when no reply came (the summary is still there) and 2 on
// other errors: the summary is the truth.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kPingParseError = "KILN-PARSE-PING";

// ping -n -q -c COUNT -i INTERVAL_S -I IFACE HOST
std::vector<std::string> ping_argv(const std::string& host, int count, double interval_s,
                                   const std::string& iface);

struct PingSummary {
  int transmitted = 0;
  int received = 0;
  double loss_percent = 0;
  // Absent when nothing came back (ping prints no rtt line then).
  std::optional<double> rtt_min_ms;
  std::optional<double> rtt_avg_ms;
  std::optional<double> rtt_max_ms;
  std::optional<double> rtt_mdev_ms;
};

// Errors: no "packets transmitted" line, or numbers that do not parse.
Expected<PingSummary> parse_ping_summary(std::string_view text);

}  // namespace kiln::tools
