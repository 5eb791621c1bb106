// SystemHostAdapter::run: Boost.Process child in its own process group,
// stdout/stderr read concurrently (and teed to the step's log file), the whole
// group killed at the timeout, a signal told apart from an exit code.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/search_path.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "host/command_cancel.hpp"
#include "host/host_adapter.hpp"

namespace bp = boost::process;

namespace kiln::runner {
namespace {

std::atomic<const std::atomic<bool>*> g_cancel{nullptr};

constexpr std::size_t kMaxCapture = 64U * 1024U * 1024U;

// Reads a pipe to EOF, appending to `text` (bounded) and to the log.
class PipeReader {
 public:
  // `log` null: nothing is teed (a command with secrets is logged, masked, at its end).
  PipeReader(bp::async_pipe& pipe, std::string& text, std::ofstream* log)
      : pipe_(pipe), text_(text), log_(log) {}

  void start() {
    pipe_.async_read_some(boost::asio::buffer(buf_), [this](const boost::system::error_code& ec,
                                                            std::size_t n) {
      if (n > 0) {
        if (text_.size() < kMaxCapture) text_.append(buf_.data(), std::min(n, kMaxCapture - text_.size()));
        if (log_ != nullptr) log_->write(buf_.data(), static_cast<std::streamsize>(n)).flush();
      }
      if (!ec) start();
    });
  }

 private:
  bp::async_pipe& pipe_;
  std::string& text_;
  std::ofstream* log_;
  std::array<char, 16384> buf_{};
};

// Options whose value is a secret: ipmitool's -P/-k, kiln-runner's own
// --bmc-password and --token (its command line goes into report.json).
bool is_secret_option(std::string_view arg) {
  return arg == "-P" || arg == "--password" || arg == "-k" || arg == "--bmc-password" ||
         arg == "--token";
}

}  // namespace

std::string mask_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 4)) {
      text.replace(at, secret.size(), "****");
    }
  }
  return text;
}

std::string printable_command(const std::vector<std::string>& argv,
                              const std::vector<std::string>& secrets) {
  std::string out;
  bool hide_next = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const auto& arg = argv[i];
    // ipmitool user set password <id> <password> [16|20]
    const bool user_password = i >= 4 && argv[i - 4] == "user" && argv[i - 3] == "set" &&
                               argv[i - 2] == "password";
    if (!out.empty()) out += ' ';
    const auto eq = arg.find('=');
    if (hide_next || user_password) {
      out += "****";
    } else if (arg.starts_with("--") && eq != std::string::npos &&
               is_secret_option(std::string_view(arg).substr(0, eq))) {
      out += arg.substr(0, eq + 1) + "****";  // --bmc-password=VALUE
    } else {
      out += arg;
    }
    hide_next = is_secret_option(arg);
  }
  return mask_secrets(std::move(out), secrets);
}

std::string CommandResult::describe() const {
  if (timed_out) return fmt::format("timed out after {} s and was killed", elapsed.count() / 1000);
  if (signalled) return fmt::format("killed by signal {} ({})", term_signal, strsignal(term_signal));
  return fmt::format("exit {}", exit_code);
}

std::string CommandResult::stderr_tail(std::size_t max_chars) const {
  std::string_view s = stderr_text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  if (s.size() > max_chars) s = s.substr(s.size() - max_chars);
  return std::string(s);
}

Expected<CommandResult> SystemHostAdapter::run(const CommandSpec& spec) {
  if (spec.argv.empty()) return make_error("KILN-HOST-ARGV", "empty command line");
  boost::filesystem::path exe = spec.argv[0].find('/') != std::string::npos
                                    ? boost::filesystem::path(spec.argv[0])
                                    : bp::search_path(spec.argv[0]);
  if (exe.empty() || access(exe.c_str(), X_OK) != 0) {
    return make_error("KILN-TOOL-MISSING",
                      fmt::format("'{}' was not found or is not executable (PATH={})", spec.argv[0],
                                  getenv("PATH") != nullptr ? getenv("PATH") : ""),
                      fmt::format("install the package that provides '{}'", spec.argv[0]));
  }
  std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());

  std::ofstream log;
  if (spec.log_file) {
    log.open(*spec.log_file, std::ios::app);
    log << fmt::format("$ {}\n", printable_command(spec.argv, spec.secrets)) << std::flush;
  }
  std::ofstream* log_ptr = log.is_open() ? &log : nullptr;
  // A secret could be split between two reads: such output is logged once complete.
  std::ofstream* tee_ptr = spec.secrets.empty() ? log_ptr : nullptr;

  boost::asio::io_context ioc;
  bp::async_pipe out_pipe(ioc);
  bp::async_pipe err_pipe(ioc);
  bp::async_pipe in_pipe(ioc);
  CommandResult result;
  auto started = std::chrono::steady_clock::now();
  std::error_code spawn_error;
  bp::child child(exe, bp::args(args), bp::std_out > out_pipe, bp::std_err > err_pipe,
                  bp::std_in < in_pipe, spawn_error,
                  bp::extend::on_exec_setup = [](auto&) { setpgid(0, 0); });
  if (spawn_error) {
    return make_error("KILN-TOOL-SPAWN", fmt::format("cannot start '{}': {}", spec.argv[0],
                                                     spawn_error.message()));
  }
  pid_t pgid = child.id();
  if (spec.stdin_data) {
    boost::system::error_code ec;
    boost::asio::write(in_pipe, boost::asio::buffer(*spec.stdin_data), ec);
  }
  in_pipe.close();

  PipeReader out_reader(out_pipe, result.stdout_text, tee_ptr);
  PipeReader err_reader(err_pipe, result.stderr_text, tee_ptr);
  out_reader.start();
  err_reader.start();

  auto deadline = started + spec.timeout;
  bool cancelled = false;
  const std::atomic<bool>* cancel = g_cancel.load();
  if (cancel == nullptr) {
    ioc.run_until(deadline);  // returns early once both pipes reached EOF
  } else {
    while (!ioc.stopped() && std::chrono::steady_clock::now() < deadline) {
      ioc.run_for(std::chrono::milliseconds(200));
      if (!ioc.stopped() && cancel->load()) {
        cancelled = true;
        ::kill(-pgid, SIGTERM);
        ioc.run_for(std::chrono::seconds(5));
        break;
      }
    }
  }
  std::error_code wait_ec;
  if (cancelled) {
    if (child.running(wait_ec)) {  // it did not stop on SIGTERM
      ::kill(-pgid, SIGKILL);
      ::kill(child.id(), SIGKILL);
    }
    ioc.restart();
    ioc.run_for(std::chrono::seconds(5));  // drain what the pipes still hold
  } else if (ioc.stopped()) {
    // Both pipes are closed; the child may still run (it closed its outputs).
    // child::wait_for can sleep its whole timeout when SIGCHLD already came,
    // so poll instead.
    while (child.running(wait_ec) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (child.running(wait_ec)) result.timed_out = true;
  } else {
    result.timed_out = true;
  }
  if (result.timed_out) {
    ::kill(-pgid, SIGKILL);
    ::kill(child.id(), SIGKILL);
    ioc.restart();
    ioc.run_for(std::chrono::seconds(5));  // drain what the pipes still hold
  }
  child.wait(wait_ec);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  int status = child.native_exit_code();
  if (!result.timed_out) {
    if (WIFSIGNALED(status)) {
      result.signalled = true;
      result.term_signal = WTERMSIG(status);
    } else if (WIFEXITED(status)) {
      result.exit_code = WEXITSTATUS(status);
    }
  }
  if (!spec.secrets.empty()) {
    result.stdout_text = mask_secrets(std::move(result.stdout_text), spec.secrets);
    result.stderr_text = mask_secrets(std::move(result.stderr_text), spec.secrets);
    if (log_ptr != nullptr) log << result.stdout_text << result.stderr_text;
  }
  if (log_ptr != nullptr) log << fmt::format("\n--- {} ({} ms)\n", result.describe(), result.elapsed.count());
  return result;
}

void cancel_commands_when(const std::atomic<bool>* flag) { g_cancel.store(flag); }
const std::atomic<bool>* command_cancel_flag() { return g_cancel.load(); }

}  // namespace kiln::runner
