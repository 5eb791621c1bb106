#include "stages/network/nic_judge.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "kiln/limits_catalog.hpp"

namespace kiln::runner::network {
namespace {

constexpr std::string_view kMinGbps = "network.min_gbps";
constexpr std::string_view kMinLinkFraction = "network.min_link_fraction";
constexpr std::string_view kUdpLoss = "network.udp_loss_max_percent";
constexpr std::string_view kUdpJitter = "network.udp_jitter_max_ms";

std::string_view family_of(TestKind k) {
  switch (k) {
    case TestKind::kTcp:
    case TestKind::kTcpReverse:
      return "tcp";
    case TestKind::kBidir:
      return "bidir";
    case TestKind::kUdp:
    case TestKind::kUdpReverse:
      return "udp";
  }
  return "tcp";
}

class NicJudge {
 public:
  NicJudge(StepRecorder& step, const TestedInterface& nic, const ResolvedConfig& config)
      : step_(step), nic_(nic), config_(config) {}

  void judge(const TestRun& r) {
    if (!r.result) return;
    TestFigures f = figures_of(*r.result, r.kind);
    const DirectionFigures& tx = r.is_client ? f.forward : f.reverse;
    const DirectionFigures& rx = r.is_client ? f.reverse : f.forward;
    std::string partner =
        r.partner_addr.empty() ? r.partner : fmt::format("{} ({})", r.partner, r.partner_addr);
    step_.info(fmt::format("{}: {} round {} with {} as {}", nic_.name, to_string(r.kind),
                           r.pair.round, partner, r.is_client ? "client" : "server"));
    direction(r, tx, "tx", "send to", partner);
    direction(r, rx, "rx", "receive from", partner);
    if (f.retransmits) {
      step_.measurement(measure(fmt::format("{}_retransmits", family_of(r.kind)),
                                static_cast<double>(*f.retransmits), "segments", nic_.component(),
                                {}));
    }
    if (r.ping) {
      step_.measurement(
          measure("ping_loss_percent", r.ping->loss_percent, "%", nic_.component(), {}));
      if (r.ping->rtt_avg_ms) {
        step_.measurement(
            measure("ping_rtt_avg_ms", *r.ping->rtt_avg_ms, "ms", nic_.component(), {}));
        step_.measurement(
            measure("ping_rtt_max_ms", r.ping->rtt_max_ms.value_or(0), "ms", nic_.component(), {}));
      }
    }
  }

  [[nodiscard]] int failures() const { return failures_; }

 private:
  void direction(const TestRun& r, const DirectionFigures& d, std::string_view dir,
                 std::string_view verb, const std::string& partner) {
    if (!d.bits_per_second) return;
    bool udp = family_of(r.kind) == "udp";
    double gbps = *d.bits_per_second / 1e9;
    std::vector<Limit> limits;
    if (!udp) {
      if (auto l = configured_limit(config_, kMinGbps)) limits.push_back(*l);
      std::uint32_t speed = std::min(nic_.speed_mbps, r.partner_speed_mbps);
      if (r.pair.reference) speed = nic_.speed_mbps;
      if (auto fraction = config_.limit(std::string(kMinLinkFraction)); fraction && speed > 0) {
        limits.push_back(Limit{"limits." + std::string(kMinLinkFraction),
                               Comparison::kGreaterThanOrEqual,
                               *fraction * speed / 1000.0,
                               {}});
      }
    }
    auto m = measure(fmt::format("{}_{}_gbps", family_of(r.kind), dir), gbps, "Gbit/s",
                     nic_.component(), limits);
    m.key_figure = family_of(r.kind) == "tcp";
    step_.measurement(m);
    for (const auto& c : m.checks) {
      if (c.passed) continue;
      ++failures_;
      step_.fail(
          "network-throughput-low",
          fmt::format("{}: {} {} {} at {:.3f} Gbit/s, below {} ({} Gbit/s); check cable, "
                      "transceiver, switch "
                      "port and NIC firmware (the partner's report tells whether it is this link)",
                      nic_.component(), to_string(r.kind), verb, partner, gbps, c.limit.name,
                      format_value(c.limit.threshold)),
          nic_.component());
    }
    if (udp) udp_quality(r, d, dir, partner);
  }

  void udp_quality(const TestRun& r, const DirectionFigures& d, std::string_view dir,
                   const std::string& partner) {
    struct Figure {
      std::optional<double> value;
      std::string_view limit;
      std::string_view name;
      std::string_view unit;
      std::string_view verdict;
    };
    for (const Figure& fig :
         {Figure{d.loss_percent, kUdpLoss, "loss_percent", "%", "network-udp-loss"},
          Figure{d.jitter_ms, kUdpJitter, "jitter_ms", "ms", "network-udp-jitter"}}) {
      if (!fig.value) continue;
      std::vector<Limit> limits;
      if (auto l = configured_limit(config_, fig.limit)) limits.push_back(*l);
      auto m = measure(fmt::format("udp_{}_{}", dir, fig.name), *fig.value, std::string(fig.unit),
                       nic_.component(), limits);
      step_.measurement(m);
      for (const auto& c : m.checks) {
        if (c.passed) continue;
        ++failures_;
        step_.fail(std::string(fig.verdict),
                   fmt::format("{}: {} with {}: {} {:.3f} {} above {} ({})", nic_.component(),
                               to_string(r.kind), partner, fig.name, *fig.value, fig.unit,
                               c.limit.name, format_value(c.limit.threshold)),
                   nic_.component());
      }
    }
  }

  StepRecorder& step_;
  const TestedInterface& nic_;
  const ResolvedConfig& config_;
  int failures_ = 0;
};

}  // namespace

int judge_interface(StepRecorder& step, const TestedInterface& nic, const InterfaceRun& run,
                    const ResolvedConfig& config) {
  NicJudge judge(step, nic, config);
  for (const auto& r : run.runs) judge.judge(r);
  return judge.failures();
}

}  // namespace kiln::runner::network
