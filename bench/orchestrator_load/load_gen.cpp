// orchestrator_load_gen: simulated kiln runners (or an Ironic client) on one
// io_context, one thread, one keep-alive connection per node.
//
//   kiln:   --url http://127.0.0.1:P --operator-token T --nodes N --lines L
//           [--rate R (batches/s offered in all; 0 = every node as fast as it can)]
//           [--seconds S] [--server-pid PID]
//   Ironic: --ironic-url http://127.0.0.1:P --ironic-node UUID... [--seconds S] [--server-pid PID]
//
// Every node starts a burn-in (operator API, in chunks), registers, then posts
// batches of L OCPTV lines; each answer's `acknowledged` is checked. With
// --rate the load is open-loop (each node sends every N/R seconds from a random
// phase) and latency counts from the scheduled time, so a slow server is not
// hidden by late sends. Prints one JSON line: batches/s, p50/p99/max latency,
// errors, CPU seconds of the server (from /proc/PID/stat) and of this process
// (getrusage), the server's RSS.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "load_client.hpp"

namespace kiln::bench {
namespace {

struct Options {
  std::string url, operator_token, ironic_url;
  std::vector<std::string> ironic_nodes;
  int nodes = 1000, lines = 5, server_pid = 0, max_connecting = 256;
  double rate = 0, seconds = 20;
};

struct CpuSample {
  double server = 0, self = 0;
  Clock::time_point at;
};

double server_cpu_seconds(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> f; ++i) {  // field 3 is the state
    if (i == 14) utime = std::stod(f);
    if (i == 15) {
      stime = std::stod(f);
      break;
    }
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

long status_kib(int pid, const char* key) {
  std::ifstream in(fmt::format("/proc/{}/status", pid > 0 ? pid : getpid()));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + std::strlen(key) + 1, nullptr, 10);
  }
  return 0;
}

CpuSample sample(int pid) { return {server_cpu_seconds(pid), self_cpu_seconds(), Clock::now()}; }

// The state of one simulated node (or one Ironic client connection).
struct Node {
  std::string name, run_id, auth, target;
  long long seq = 0;
  std::shared_ptr<LoadConnection> conn;
  std::unique_ptr<asio::steady_timer> timer;
  Clock::time_point due;
};

class LoadRun {
 public:
  LoadRun(Options o, tcp::endpoint endpoint, std::string host)
      : o_(std::move(o)), endpoint_(endpoint), host_(std::move(host)) {}

  int run() {
    if (!o_.ironic_url.empty()) {
      for (const auto& uuid : o_.ironic_nodes) add_node(uuid, "", "", "/v1/nodes/" + uuid);
    } else if (!start_burnins()) {
      return 1;
    }
    std::size_t next = 0;
    std::function<void()> connect_next = [&]() {  // register, at most max_connecting at once
      if (next >= nodes_.size()) return;
      Node& n = nodes_[next++];
      if (!o_.ironic_url.empty()) return on_ready(connect_next);
      std::string body = fmt::format(
          R"({{"node":{{"ironic_uuid":"{}","asset_tag":"PO-BENCH","serial":"{}"}}}})", n.name,
          n.name);
      n.conn->send(http::verb::post, "/v1/runs/register", n.auth, std::move(body),
                   [this, &n, &connect_next](Answer a) {
                     if (a.error || a.status != 200)
                       fail(fmt::format("register {}: {} {}", n.name, a.status, a.error.message()));
                     on_ready(connect_next);
                   });
    };
    for (int i = 0; i < o_.max_connecting; ++i) connect_next();
    io_.run();
    if (!errors_.empty() && latencies_.empty()) {
      fmt::print(stderr, "orchestrator_load_gen: {}\n", errors_.front());
      return 1;
    }
    report();
    return errors_.empty() ? 0 : 1;
  }

 private:
  void add_node(std::string name, std::string run_id, std::string token, std::string target) {
    Node n;
    n.name = std::move(name);
    n.run_id = std::move(run_id);
    n.auth = token.empty() ? "" : "Bearer " + token;
    n.target = std::move(target);
    n.conn = std::make_shared<LoadConnection>(io_, endpoint_, host_);
    n.timer = std::make_unique<asio::steady_timer>(io_);
    nodes_.push_back(std::move(n));
  }

  // Operator API: one burn-in per simulated node, 500 nodes per request.
  bool start_burnins() {
    auto op = std::make_shared<LoadConnection>(io_, endpoint_, host_);
    const auto stamp = std::chrono::system_clock::now().time_since_epoch().count();
    nodes_.reserve(static_cast<std::size_t>(o_.nodes));
    for (int first = 0; first < o_.nodes; first += 500) {
      nlohmann::json names = nlohmann::json::array();
      for (int i = first; i < std::min(o_.nodes, first + 500); ++i)
        names.push_back(fmt::format("bench-{}-{:05d}", stamp, i));
      Answer answer;
      op->send(http::verb::post, "/v1/burnins", "Bearer " + o_.operator_token,
               nlohmann::json{{"nodes", names}}.dump(), [&](Answer a) { answer = std::move(a); });
      io_.run();
      io_.restart();
      auto body = nlohmann::json::parse(answer.body, nullptr, false);
      if (answer.error || answer.status != 201 || !body.contains("runs")) {
        fmt::print(stderr, "orchestrator_load_gen: POST /v1/burnins: {} {} {}\n", answer.status,
                   answer.error.message(), answer.body.substr(0, 300));
        return false;
      }
      for (const auto& r : body["runs"]) {
        const std::string id = r.value("run_id", "");
        add_node(r.value("node", ""), id, r.value("token", ""), "/v1/runs/" + id + "/artifacts");
      }
    }
    return true;
  }

  void on_ready(const std::function<void()>& connect_next) {
    if (++ready_ < nodes_.size()) return connect_next();
    // Everyone registered: the measured phase starts now.
    start_ = sample(o_.server_pid);
    deadline_ = start_.at + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(o_.seconds));
    std::mt19937_64 random(42);
    const double interval = o_.rate > 0 ? static_cast<double>(nodes_.size()) / o_.rate : 0;
    std::uniform_real_distribution<double> phase(0, interval);
    for (auto& n : nodes_) {
      n.due = start_.at + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(interval > 0 ? phase(random) : 0));
      schedule(n, interval);
    }
  }

  void schedule(Node& n, double interval) {
    if (n.due >= deadline_) {
      if (++finished_ == nodes_.size()) end_ = sample(o_.server_pid);
      return;
    }
    n.timer->expires_at(n.due);
    n.timer->async_wait([this, &n, interval](beast::error_code) { send_batch(n, interval); });
  }

  void send_batch(Node& n, double interval) {
    const Clock::time_point due = n.due;
    std::string body;
    if (!o_.ironic_url.empty()) {
      body = fmt::format(R"([{{"op":"add","path":"/extra/kiln","value":{{"i":{}}}}}])", n.seq++);
    } else {
      body.reserve(static_cast<std::size_t>(o_.lines) * 240 + 32);
      body += R"({"artifacts":[)";
      for (int i = 0; i < o_.lines; ++i, ++n.seq) {
        if (i > 0) body += ',';
        fmt::format_to(
            std::back_inserter(body),
            R"("{{\"sequenceNumber\":{},\"timestamp\":\"2026-11-21T10:00:00Z\",)"
            R"(\"testStepArtifact\":{{\"testStepId\":\"step0\",\"measurementSeriesElement\":)"
            R"({{\"index\":{},\"value\":{},\"measurementSeriesId\":\"step0-progress\"}}}}}}")",
            n.seq, n.seq, n.seq % 100);
      }
      body += "]}";
    }
    const http::verb verb = o_.ironic_url.empty() ? http::verb::post : http::verb::patch;
    n.conn->send(
        verb, n.target, n.auth, std::move(body),
        [this, &n, due, interval](Answer a) {
          const auto now = Clock::now();
          if (a.error || a.status != 200) {
            fail(fmt::format("{}: {} {} {}", n.target, a.status, a.error.message(),
                             a.body.substr(0, 200)));
          } else if (o_.ironic_url.empty() && !acknowledged(a.body, n.seq - 1)) {
            fail(fmt::format("{}: expected acknowledged {}, got {}", n.target, n.seq - 1,
                             a.body.substr(0, 200)));
          } else {
            latencies_.push_back(std::chrono::duration<double, std::milli>(now - due).count());
          }
          // Open loop: the next send is due one interval after this one was;
          // closed loop: right away.
          n.due = interval > 0 ? due + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(interval))
                               : now;
          schedule(n, interval);
        },
        o_.ironic_url.empty() ? "" : "X-OpenStack-Ironic-API-Version", "1.82");
  }

  static bool acknowledged(const std::string& body, long long expected) {
    constexpr std::string_view kKey = "\"acknowledged\":";
    auto at = body.find(kKey);
    return at != std::string::npos &&
           std::strtoll(body.c_str() + at + kKey.size(), nullptr, 10) == expected;
  }

  void fail(std::string message) {
    if (errors_.size() < 5) errors_.push_back(std::move(message));
    ++error_count_;
  }

  void report() {
    std::sort(latencies_.begin(), latencies_.end());
    auto pct = [&](double p) {
      if (latencies_.empty()) return 0.0;
      auto i = static_cast<std::size_t>(p * static_cast<double>(latencies_.size()));
      return latencies_[std::min(i, latencies_.size() - 1)];
    };
    const double wall = std::chrono::duration<double>(end_.at - start_.at).count();
    const double server_cpu = end_.server - start_.server;
    const double self_cpu = end_.self - start_.self;
    auto round2 = [](double v) { return std::round(v * 100) / 100; };
    nlohmann::json out{
        {"target", o_.ironic_url.empty() ? "kiln" : "ironic"},
        {"nodes", nodes_.size()},
        {"lines_per_batch", o_.ironic_url.empty() ? o_.lines : 0},
        {"offered_per_s", o_.rate > 0 ? nlohmann::json(o_.rate) : nlohmann::json("max")},
        {"requests", latencies_.size()},
        {"errors", error_count_},
        {"first_errors", errors_},
        {"wall_s", round2(wall)},
        {"per_s", round2(static_cast<double>(latencies_.size()) / wall)},
        {"p50_ms", round2(pct(0.50))},
        {"p99_ms", round2(pct(0.99))},
        {"max_ms", round2(latencies_.empty() ? 0 : latencies_.back())},
        {"server_cpu_cores", round2(server_cpu / wall)},
        {"loadgen_cpu_cores", round2(self_cpu / wall)},
        {"server_rss_mb", round2(static_cast<double>(status_kib(o_.server_pid, "VmRSS:")) / 1024)},
        {"server_peak_rss_mb",
         round2(static_cast<double>(status_kib(o_.server_pid, "VmHWM:")) / 1024)},
        {"loadgen_rss_mb", round2(static_cast<double>(status_kib(0, "VmRSS:")) / 1024)}};
    fmt::print("{}\n", out.dump());
  }

  Options o_;
  tcp::endpoint endpoint_;
  std::string host_;
  asio::io_context io_{1};
  std::vector<Node> nodes_;
  std::size_t ready_ = 0, finished_ = 0, error_count_ = 0;
  std::vector<std::string> errors_;
  std::vector<double> latencies_;
  CpuSample start_, end_;
  Clock::time_point deadline_;
};

}  // namespace
}  // namespace kiln::bench

int main(int argc, char** argv) {
  using namespace kiln::bench;
  Options o;
  CLI::App app{"orchestrator_load_gen: simulated runners against kiln-orchestrator or Ironic"};
  app.add_option("--url", o.url, "kiln-orchestrator http://HOST:PORT");
  app.add_option("--operator-token", o.operator_token, "the orchestrator's operator token");
  app.add_option("--ironic-url", o.ironic_url, "Ironic http://HOST:PORT instead of kiln");
  app.add_option("--ironic-node", o.ironic_nodes, "Ironic node UUIDs, one connection each");
  app.add_option("--nodes", o.nodes, "simulated runners")->capture_default_str();
  app.add_option("--lines", o.lines, "OCPTV lines per batch")->capture_default_str();
  app.add_option("--rate", o.rate, "batches/s offered in all (0: closed loop)");
  app.add_option("--seconds", o.seconds, "measured phase")->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "process whose CPU and RSS are reported");
  CLI11_PARSE(app, argc, argv);
  const std::string& url = o.ironic_url.empty() ? o.url : o.ironic_url;
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0 || (o.ironic_url.empty() && o.operator_token.empty()) ||
      (!o.ironic_url.empty() && o.ironic_nodes.empty())) {
    fmt::print(stderr, "orchestrator_load_gen: need --url (http://) and --operator-token, or "
                       "--ironic-url and --ironic-node\n");
    return 2;
  }
  // Loopback benchmarks only: a numeric address.
  std::string authority = url.substr(kScheme.size());
  authority = authority.substr(0, authority.find('/'));
  const auto colon = authority.rfind(':');
  boost::system::error_code ec;
  auto address = asio::ip::make_address(authority.substr(0, colon), ec);
  if (ec || colon == std::string::npos || !address.is_loopback()) {
    fmt::print(stderr, "orchestrator_load_gen: '{}' is not a loopback http://IP:PORT\n", url);
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::strtoul(authority.c_str() + colon + 1, nullptr, 10));
  rlimit files{};  // one socket per simulated node
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  LoadRun run(o, tcp::endpoint(address, port), authority);
  return run.run();
}
