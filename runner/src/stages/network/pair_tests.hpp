// The tests one pair runs (iperf3 -J), their client argv, and the figures
// each yields. "forward" is client to server, "reverse" server to client;
// both the client's and the server's own -J output give the figures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiln/expected.hpp"
#include "tools/iperf3.hpp"

namespace kiln::runner::network {

enum class TestKind { kTcp, kTcpReverse, kBidir, kUdp, kUdpReverse };
std::string_view to_string(TestKind k);  // "tcp", "tcp-reverse", "bidir", "udp", "udp-reverse"
// Names as written in the `tests` parameter; an unknown name is an error.
Expected<std::vector<TestKind>> parse_test_list(const std::vector<std::string>& names);

tools::Iperf3ClientSpec client_spec(TestKind kind, const std::string& host, int port,
                                    int duration_s, const std::string& udp_bitrate);

// UDP offered load: `fraction` of the negotiated link speed, or `fallback`
// (iperf3 -b syntax, "500M") when the speed is unknown.
std::string udp_bitrate_for(std::uint32_t speed_mbps, double fraction, const std::string& fallback);

struct DirectionFigures {
  std::optional<double> bits_per_second;
  std::optional<double> loss_percent;  // UDP, receiver's view
  std::optional<double> jitter_ms;     // UDP, receiver's view
};

struct TestFigures {
  DirectionFigures forward;
  DirectionFigures reverse;
  std::optional<std::uint64_t> retransmits;  // TCP, summed over senders
};

// Pure: picks the receiver-side figure where the output has it (a sender's
// rate counts bytes the receiver may never have got).
TestFigures figures_of(const tools::Iperf3Result& r, TestKind kind);

}  // namespace kiln::runner::network
