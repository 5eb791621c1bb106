#include "stages/network/pair_tests.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace kiln::runner::network {
namespace {

constexpr std::array<std::pair<TestKind, std::string_view>, 5> kNames = {{
    {TestKind::kTcp, "tcp"},
    {TestKind::kTcpReverse, "tcp-reverse"},
    {TestKind::kBidir, "bidir"},
    {TestKind::kUdp, "udp"},
    {TestKind::kUdpReverse, "udp-reverse"},
}};

bool positive(const std::optional<tools::Iperf3Sum>& s) {
  return s && s->bits_per_second > 0;
}

// Receiver's figure when present, else the sender's.
std::optional<double> rate(const std::optional<tools::Iperf3Sum>& received,
                           const std::optional<tools::Iperf3Sum>& sent) {
  if (positive(received)) return received->bits_per_second;
  if (positive(sent)) return sent->bits_per_second;
  return std::nullopt;
}

std::optional<std::uint64_t> add(std::optional<std::uint64_t> a, std::optional<std::uint64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return *a + *b;
}

DirectionFigures udp_direction(const tools::Iperf3Result& r) {
  DirectionFigures d;
  // 3.12 puts the receiver's view in sum_received (all zero on the sending
  // side's own output); iperf3 before 3.9 only had sum.
  const std::optional<tools::Iperf3Sum>* receiver = nullptr;
  if (positive(r.sum_received)) {
    receiver = &r.sum_received;
  } else if (!r.sum_received && positive(r.sum)) {
    receiver = &r.sum;
  }
  if (receiver != nullptr) {
    d.bits_per_second = (*receiver)->bits_per_second;
    d.loss_percent = (*receiver)->lost_percent;
    d.jitter_ms = (*receiver)->jitter_ms;
  } else {
    d.bits_per_second = rate(r.sum, r.sum_sent);
  }
  return d;
}

}  // namespace

std::string_view to_string(TestKind k) {
  for (const auto& [kind, name] : kNames) {
    if (kind == k) return name;
  }
  return "tcp";
}

Expected<std::vector<TestKind>> parse_test_list(const std::vector<std::string>& names) {
  std::vector<TestKind> out;
  for (const auto& n : names) {
    bool found = false;
    for (const auto& [kind, name] : kNames) {
      if (n == name) {
        out.push_back(kind);
        found = true;
      }
    }
    if (!found) {
      return make_error("network-bad-param", fmt::format("unknown network test '{}'", n),
                        "use tcp, tcp-reverse, bidir, udp, udp-reverse");
    }
  }
  return out;
}

tools::Iperf3ClientSpec client_spec(TestKind kind, const std::string& host, int port,
                                    int duration_s, const std::string& udp_bitrate) {
  tools::Iperf3ClientSpec s;
  s.host = host;
  s.port = port;
  s.duration_s = duration_s;
  s.reverse = kind == TestKind::kTcpReverse || kind == TestKind::kUdpReverse;
  s.bidir = kind == TestKind::kBidir;
  s.udp = kind == TestKind::kUdp || kind == TestKind::kUdpReverse;
  s.udp_bitrate = udp_bitrate;
  return s;
}

std::string udp_bitrate_for(std::uint32_t speed_mbps, double fraction,
                            const std::string& fallback) {
  if (speed_mbps == 0 || fraction <= 0) return fallback;
  auto mbps = static_cast<long long>(static_cast<double>(speed_mbps) * fraction);
  return fmt::format("{}M", std::max(1LL, mbps));
}

TestFigures figures_of(const tools::Iperf3Result& r, TestKind kind) {
  TestFigures f;
  switch (kind) {
    case TestKind::kTcp:
      f.forward.bits_per_second = rate(r.sum_received, r.sum_sent);
      f.retransmits = r.sum_sent ? r.sum_sent->retransmits : std::nullopt;
      break;
    case TestKind::kTcpReverse:
      f.reverse.bits_per_second = rate(r.sum_received, r.sum_sent);
      f.retransmits = r.sum_sent ? r.sum_sent->retransmits : std::nullopt;
      break;
    case TestKind::kBidir:
      f.forward.bits_per_second = rate(r.sum_received, r.sum_sent);
      f.reverse.bits_per_second = rate(r.sum_received_bidir_reverse, r.sum_sent_bidir_reverse);
      f.retransmits =
          add(r.sum_sent ? r.sum_sent->retransmits : std::nullopt,
              r.sum_sent_bidir_reverse ? r.sum_sent_bidir_reverse->retransmits : std::nullopt);
      break;
    case TestKind::kUdp:
      f.forward = udp_direction(r);
      break;
    case TestKind::kUdpReverse:
      f.reverse = udp_direction(r);
      break;
  }
  return f;
}

}  // namespace kiln::runner::network
