#include "tools/iperf3.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"
#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

using nlohmann::json;

std::optional<Iperf3Sum> parse_sum(const json& end, std::string_view key) {
  const json* s = scan::json_object(end, key);
  if (s == nullptr) return std::nullopt;
  Iperf3Sum sum;
  sum.seconds = json_number(*s, "seconds").value_or(0);
  sum.bytes = scan::json_u64(*s, "bytes").value_or(0);
  sum.bits_per_second = json_number(*s, "bits_per_second").value_or(0);
  sum.retransmits = scan::json_u64(*s, "retransmits");
  sum.jitter_ms = json_number(*s, "jitter_ms");
  sum.lost_percent = json_number(*s, "lost_percent");
  sum.lost_packets = scan::json_u64(*s, "lost_packets");
  sum.packets = scan::json_u64(*s, "packets");
  return sum;
}

Iperf3Result to_result(const json& doc) {
  Iperf3Result r;
  r.error = scan::json_text(doc, "error");
  if (const json* start = scan::json_object(doc, "start")) {
    r.version = scan::json_text(*start, "version");
    if (const json* connected = scan::json_array(*start, "connected");
        connected && !connected->empty()) {
      r.local_host = scan::json_text(connected->front(), "local_host");
      r.remote_host = scan::json_text(connected->front(), "remote_host");
    }
    if (const json* test_start = scan::json_object(*start, "test_start")) {
      r.has_test_start = true;
      r.protocol = scan::json_text(*test_start, "protocol");
    }
  }
  if (const json* end = scan::json_object(doc, "end")) {
    r.sum = parse_sum(*end, "sum");
    r.sum_sent = parse_sum(*end, "sum_sent");
    r.sum_received = parse_sum(*end, "sum_received");
    r.sum_sent_bidir_reverse = parse_sum(*end, "sum_sent_bidir_reverse");
    r.sum_received_bidir_reverse = parse_sum(*end, "sum_received_bidir_reverse");
  }
  return r;
}

bool number_start_context(std::string_view text, std::size_t i) {
  while (i > 0) {
    char c = text[--i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == ':' || c == ',' || c == '[';
  }
  return false;
}

// One document starting at or after `from`; sets `next` past its end.
Expected<Iperf3Result> parse_one(std::string_view text, std::size_t from, std::size_t& next) {
  auto found = scan::line_start_brace(text, from);
  if (!found) {
    return make_error(
        std::string(kIperf3ParseError),
        fmt::format("iperf3 -J: no JSON object starting a line in output ({} bytes)", text.size()));
  }
  std::size_t start = *found;
  auto object = scan::balanced_object(text, start);
  if (!object) {
    return make_error(std::string(kIperf3ParseError),
                      "iperf3 -J: JSON document is not closed (truncated? killed mid-run?)");
  }
  next = start + object->size();
  auto doc = parse_json(sanitize_iperf3_json(*object), "iperf3 -J");
  if (!doc) {
    return make_error(std::string(kIperf3ParseError),
                      fmt::format("iperf3: {}", doc.error().message));
  }
  if (!doc->is_object()) {
    return make_error(std::string(kIperf3ParseError), "iperf3 -J: top-level JSON is not an object");
  }
  return to_result(*doc);
}

}  // namespace

std::vector<std::string> iperf3_client_argv(const Iperf3ClientSpec& spec) {
  std::vector<std::string> argv{"iperf3",
                                "-c",
                                spec.host,
                                "-p",
                                std::to_string(spec.port),
                                "-J",
                                "-t",
                                std::to_string(spec.duration_s)};
  if (spec.reverse) argv.emplace_back("-R");
  if (spec.bidir) argv.emplace_back("--bidir");
  if (spec.udp) argv.insert(argv.end(), {"-u", "-b", spec.udp_bitrate});
  if (spec.parallel > 1) argv.insert(argv.end(), {"-P", std::to_string(spec.parallel)});
  if (spec.omit_s > 0) argv.insert(argv.end(), {"-O", std::to_string(spec.omit_s)});
  return argv;
}

std::vector<std::string> iperf3_server_argv(int port) {
  return {"iperf3", "-s", "-p", std::to_string(port), "-1", "-J"};
}

std::string Iperf3Result::problem() const {
  if (!error.empty()) return error;
  if (!sum_received && !sum && !sum_sent) {
    return has_test_start ? "iperf3 -J: empty \"end\" object (test did not finish)"
                          : "iperf3 -J: no test_start and empty \"end\" (test never started)";
  }
  return {};
}

std::string sanitize_iperf3_json(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  JsonStringTracker strings;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (strings.inside(c)) {
      out.push_back(c);
      continue;
    }
    if ((c == '-' || c == 'n' || c == 'N' || c == 'i') && number_start_context(text, i)) {
      std::size_t len = 0;
      std::string_view rest = text.substr(i);
      for (std::string_view token : {"-nan", "nan", "-inf", "inf", "-NaN", "NaN"}) {
        if (scan::starts_with(rest, token)) {
          len = token.size();
          break;
        }
      }
      if (len > 0) {
        out += "null";
        i += len - 1;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

Expected<Iperf3Result> parse_iperf3_json(std::string_view text) {
  if (scan::is_blank(text)) {
    return make_error(std::string(kIperf3ParseError), "iperf3 -J: empty output");
  }
  std::size_t next = 0;
  return parse_one(text, 0, next);
}

Expected<std::vector<Iperf3Result>> parse_iperf3_json_all(std::string_view text) {
  if (scan::is_blank(text)) {
    return make_error(std::string(kIperf3ParseError), "iperf3 -J: empty output");
  }
  std::size_t next = 0;
  auto first = parse_one(text, 0, next);
  if (!first) return first.error();
  std::vector<Iperf3Result> all{std::move(first).value()};
  while (next < text.size() && !scan::is_blank(text.substr(next))) {
    std::size_t from = next;
    auto more = parse_one(text, from, next);
    if (!more || next <= from) break;
    all.push_back(std::move(more).value());
  }
  return all;
}

}  // namespace kiln::tools
