#include "log/log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <mutex>

namespace kiln::orchestrator {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
std::mutex g_mu;  // one line at a time, and the sink
std::function<void(const std::string&)> g_sink;

// Whether stderr is the journal's stream: $JOURNAL_STREAM is "DEV:INODE" of it.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return fmt::format("{}:{}", st.st_dev, st.st_ino) == stream;
}

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return 7;
    case LogLevel::info:
      return 6;
    case LogLevel::warning:
      return 4;
    case LogLevel::error:
      return 3;
  }
  return 6;
}

bool plain_word(std::string_view v) {
  if (v.empty()) return false;
  for (unsigned char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) return false;
  }
  return true;
}

void write_all(const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to log to: nothing better to do
    done += static_cast<std::size_t>(n);
  }
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-';
}

// Masks the value that follows `key` at `at` (key, optional closing quote,
// '=' or ':' with spaces, optional opening quote); returns where to go on.
std::size_t mask_value_after(std::string& text, std::size_t at, std::size_t key_size,
                             bool needs_separator) {
  std::size_t i = at + key_size;
  if (i < text.size() && (text[i] == '"' || text[i] == '\'')) ++i;  // JSON or Python's repr
  while (i < text.size() && text[i] == ' ') ++i;
  if (needs_separator) {
    if (i >= text.size() || (text[i] != '=' && text[i] != ':')) return at + key_size;
    ++i;
    while (i < text.size() && text[i] == ' ') ++i;
  }
  if (i < text.size() && (text[i] == '"' || text[i] == '\'')) ++i;
  std::size_t end = i;
  while (end < text.size() && text[end] != ' ' && text[end] != '"' && text[end] != '\'' &&
         text[end] != ',' && text[end] != '}' && text[end] != '&' && text[end] != '\n')
    ++end;
  if (end == i) return i;
  static const std::string kMask = "<redacted>";
  text.replace(i, end - i, kMask);
  return i + kMask.size();
}

}  // namespace

// "scheme://user:password@host": the userinfo goes.
void mask_url_userinfo(std::string& text) {
  std::size_t at = 0;
  while ((at = text.find("://", at)) != std::string::npos) {
    std::size_t start = at + 3;
    std::size_t end = start;
    while (end < text.size() && text[end] != '@' && text[end] != '/' && text[end] != ' ' &&
           text[end] != '"')
      ++end;
    if (end < text.size() && text[end] == '@' && end > start) {
      text.replace(start, end - start, "<redacted>");
      end = start + 10;
    }
    at = end;
  }
}

std::string redact_secrets(std::string text) {
  mask_url_userinfo(text);
  struct Key {
    std::string_view name;
    bool separator;  // followed by = or :
  };
  static constexpr Key kKeys[] = {
      {"Bearer ", false},   {"Basic ", false},     {"kiln.token", true},
      {"kiln_token", true}, {"agent_token", true}, {"operator_token", true},
      {"token", true},      {"password", true},    {"secret", true}};
  for (const auto& key : kKeys) {
    std::size_t at = 0;
    while ((at = text.find(key.name, at)) != std::string::npos) {
      if (key.separator && at > 0 && word_char(text[at - 1])) {  // "run_token_hash": not ours
        at += key.name.size();
        continue;
      }
      at = mask_value_after(text, at, key.name.size(), key.separator);
    }
  }
  return text;
}

std::optional<LogLevel> parse_log_level(std::string_view name) {
  if (name == "debug") return LogLevel::debug;
  if (name == "info") return LogLevel::info;
  if (name == "warning" || name == "warn") return LogLevel::warning;
  if (name == "error") return LogLevel::error;
  return std::nullopt;
}

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warning";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

void set_log_level(LogLevel level) {
  g_level.store(static_cast<int>(level));
}

bool log_enabled(LogLevel level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

std::string logfmt_value(std::string_view value) {
  if (plain_word(value)) return std::string(value);
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < ' ' || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string format_log_line(LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields) {
  std::string line = fmt::format("level={} msg={}", log_level_name(level),
                                 logfmt_value(redact_secrets(std::string(message))));
  for (const auto& f : fields) {
    if (f.value.empty()) continue;  // unknown: left out, not key=""
    line += ' ';
    line += f.key;
    line += '=';
    line += logfmt_value(redact_secrets(f.value));
  }
  return line;
}

void log_line(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!log_enabled(level)) return;
  std::string line = format_log_line(level, message, fields);
  static const bool journal = stderr_is_journal();
  std::lock_guard lock(g_mu);
  if (g_sink) {
    g_sink(line);
    return;
  }
  if (journal) {
    write_all(fmt::format("<{}>{}\n", syslog_priority(level), line));
  } else {
    auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    write_all(fmt::format("ts={:%Y-%m-%dT%H:%M:%S}Z {}\n", now, line));
  }
}

void set_log_sink(std::function<void(const std::string&)> sink) {
  std::lock_guard lock(g_mu);
  g_sink = std::move(sink);
}

}  // namespace kiln::orchestrator
