#include "tools/ping.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace kiln::tools {
namespace {

std::optional<double> to_double(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The number that ends right before `pos` (skipping spaces).
std::optional<double> number_before(std::string_view line, std::size_t pos) {
  while (pos > 0 && line[pos - 1] == ' ') --pos;
  std::size_t start = pos;
  while (start > 0 && (std::isdigit(static_cast<unsigned char>(line[start - 1])) != 0 ||
                       line[start - 1] == '.')) {
    --start;
  }
  if (start == pos) return std::nullopt;
  return to_double(line.substr(start, pos - start));
}

// A packet count: a whole number that fits an int (the text may say anything).
std::optional<int> count_before(std::string_view line, std::size_t pos) {
  auto v = number_before(line, pos);
  if (!v || *v < 0 || *v > std::numeric_limits<int>::max() || *v != std::floor(*v))
    return std::nullopt;
  return static_cast<int>(*v);
}

Error parse_error(const std::string& what) {
  return make_error(std::string(kPingParseError), "ping: " + what);
}

}  // namespace

std::vector<std::string> ping_argv(const std::string& host, int count, double interval_s,
                                   const std::string& iface) {
  std::vector<std::string> argv{
      "ping", "-n", "-q", "-c", std::to_string(count), "-i", fmt::format("{:g}", interval_s)};
  if (!iface.empty()) {
    argv.emplace_back("-I");
    argv.push_back(iface);
  }
  argv.push_back(host);
  return argv;
}

Expected<PingSummary> parse_ping_summary(std::string_view text) {
  auto tx_pos = text.find(" packets transmitted");
  if (tx_pos == std::string_view::npos)
    return parse_error("no 'packets transmitted' summary in output");
  auto line_start = text.rfind('\n', tx_pos);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  auto line_end = text.find('\n', tx_pos);
  std::string_view line = text.substr(
      line_start, line_end == std::string_view::npos ? text.npos : line_end - line_start);
  PingSummary s;
  auto tx = count_before(line, tx_pos - line_start);
  auto rx_pos = line.find(" received");
  auto loss_pos = line.find("% packet loss");
  if (!tx || rx_pos == std::string_view::npos || loss_pos == std::string_view::npos) {
    return parse_error(fmt::format("summary line not understood: '{}'", line.substr(0, 200)));
  }
  auto rx = count_before(line, rx_pos);
  auto loss = number_before(line, loss_pos);
  if (!rx || !loss)
    return parse_error(fmt::format("summary line not understood: '{}'", line.substr(0, 200)));
  s.transmitted = *tx;
  s.received = *rx;
  s.loss_percent = *loss;

  auto rtt_pos = text.find(" = ", line_start);
  if (rtt_pos != std::string_view::npos &&
      text.substr(line_start).find("rtt ") != std::string_view::npos) {
    std::string_view rest = text.substr(rtt_pos + 3);
    rest = rest.substr(0, rest.find(' '));
    std::array<std::optional<double>, 4> v{};
    for (auto& slot : v) {
      auto slash = rest.find('/');
      slot = to_double(rest.substr(0, slash));
      rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    }
    if (!v[0] || !v[1] || !v[2] || !v[3]) return parse_error("rtt line not understood");
    s.rtt_min_ms = v[0];
    s.rtt_avg_ms = v[1];
    s.rtt_max_ms = v[2];
    s.rtt_mdev_ms = v[3];
  }
  return s;
}

}  // namespace kiln::tools
