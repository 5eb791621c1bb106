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
                                static_cast<double>(*f.retransmits), "segments", nic_.identity(),
                                {}));
    }
    if (r.ping) {
      step_.measurement(
          measure("ping_loss_percent", r.ping->loss_percent, "%", nic_.identity(), {}));
      if (r.ping->rtt_avg_ms) {
        step_.measurement(
            measure("ping_rtt_avg_ms", *r.ping->rtt_avg_ms, "ms", nic_.identity(), {}));
        step_.measurement(
            measure("ping_rtt_max_ms", r.ping->rtt_max_ms.value_or(0), "ms", nic_.identity(), {}));
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
                     nic_.identity(), limits);
    m.key_figure = family_of(r.kind) == "tcp";
    step_.measurement(m);
    for (const auto& c : m.checks) {
      if (c.passed) continue;
      ++failures_;
      step_.fail("KILN-NIC-THROUGHPUT-LOW",
                 {{"test", std::string(to_string(r.kind))},
                  {"direction", std::string(verb)},
                  {"partner", partner},
                  {"gbps", fmt::format("{:.3f}", gbps)},
                  {"required", describe_requirement(c.limit, "Gbit/s")}},
                 nic_.identity());
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
      std::string_view code;
    };
    for (const Figure& fig :
         {Figure{d.loss_percent, kUdpLoss, "loss_percent", "%", "KILN-NIC-UDP-LOSS"},
          Figure{d.jitter_ms, kUdpJitter, "jitter_ms", "ms", "KILN-NIC-UDP-JITTER"}}) {
      if (!fig.value) continue;
      std::vector<Limit> limits;
      if (auto l = configured_limit(config_, fig.limit)) limits.push_back(*l);
      auto m = measure(fmt::format("udp_{}_{}", dir, fig.name), *fig.value, std::string(fig.unit),
                       nic_.identity(), limits);
      step_.measurement(m);
      for (const auto& c : m.checks) {
        if (c.passed) continue;
        ++failures_;
        step_.fail(fig.code,
                   {{"test", std::string(to_string(r.kind))},
                    {"partner", partner},
                    {"value", fmt::format("{:.3f}", *fig.value)},
                    {"required", describe_requirement(c.limit, fig.unit)}},
                   nic_.identity());
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
