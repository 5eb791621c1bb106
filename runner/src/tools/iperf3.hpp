// iperf3 -J: argv for client and one-shot server, and the JSON result.
// iperf3 exits 0 when it could not connect: the "error" member is the truth.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kIperf3ParseError = "KILN-PARSE-IPERF3";

struct Iperf3ClientSpec {
  std::string host;
  int port = 5201;
  int duration_s = 10;
  bool reverse = false;  // -R: server sends
  bool bidir = false;    // --bidir (iperf3 >= 3.7)
  bool udp = false;      // -u -b RATE
  std::string udp_bitrate = "1G";
  int parallel = 1;  // -P when > 1
  int omit_s = 0;    // -O when > 0
};

// iperf3 -c HOST -p PORT -J -t SECS [-R] [--bidir] [-u -b RATE] [-P N] [-O S]
std::vector<std::string> iperf3_client_argv(const Iperf3ClientSpec& spec);
// iperf3 -s -p PORT -1 -J
std::vector<std::string> iperf3_server_argv(int port);

struct Iperf3Sum {
  double seconds = 0;
  std::uint64_t bytes = 0;
  double bits_per_second = 0;
  std::optional<std::uint64_t> retransmits;  // TCP sender
  std::optional<double> jitter_ms;           // UDP
  std::optional<double> lost_percent;        // UDP; null when iperf3 printed -nan
  std::optional<std::uint64_t> lost_packets;
  std::optional<std::uint64_t> packets;
};

struct Iperf3Result {
  std::string error;     // top-level "error"; iperf3 exits 0 with it
  std::string version;   // "iperf 3.12"
  std::string protocol;  // "TCP"/"UDP" from start.test_start, empty when absent
  std::string local_host;
  std::string remote_host;
  bool has_test_start = false;
  std::optional<Iperf3Sum> sum;  // end.sum (UDP: receiver-side jitter/loss)
  std::optional<Iperf3Sum> sum_sent;
  std::optional<Iperf3Sum> sum_received;
  std::optional<Iperf3Sum> sum_sent_bidir_reverse;
  std::optional<Iperf3Sum> sum_received_bidir_reverse;
  // Why this run produced no usable figure ("" when it did): the error
  // member, or "no test_start"/"empty end" for runs that failed silently.
  [[nodiscard]] std::string problem() const;
};

// Replaces nan/inf number tokens outside strings (iperf3 3.0.x wrote
// `"lost_percent": -nan`, which is not JSON) with null.
std::string sanitize_iperf3_json(std::string_view text);

// Parses the first JSON document of the output. Errors: empty output, no
// JSON object, a truncated or invalid document.
Expected<Iperf3Result> parse_iperf3_json(std::string_view text);
// Parses every concatenated document (one file holding several runs).
// Errors as above when the first document fails; later broken ones end the list.
Expected<std::vector<Iperf3Result>> parse_iperf3_json_all(std::string_view text);

}  // namespace kiln::tools
