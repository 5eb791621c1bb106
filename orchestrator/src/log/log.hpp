// kiln-orchestrator's log: one structured line per event on stderr, in
// logfmt (`level=info msg="..." key=value ...`), which journald keeps as is.
// Under systemd (stderr is the journal: $JOURNAL_STREAM names it) each line
// starts with its syslog priority (`<6>`) so `journalctl -p warning` filters
// and no timestamp is written (the journal has one); elsewhere a line starts
// with ts=<UTC time>. Lines below the level set are dropped before they are
// formatted. Nothing secret goes into a field: callers log ids, never tokens.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace kiln::orchestrator {

enum class LogLevel { debug = 0, info = 1, warning = 2, error = 3 };

// "debug", "info", "warning" (or "warn"), "error"; nullopt for anything else.
std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view log_level_name(LogLevel level);

void set_log_level(LogLevel level);
[[nodiscard]] bool log_enabled(LogLevel level);

struct LogField {
  std::string_view key;
  std::string value;
};

// Writes one line (when `level` is enabled), whole, with one write(2).
void log_line(LogLevel level, std::string_view message,
              std::initializer_list<LogField> fields = {});

// The line log_line writes, without the priority prefix and timestamp
// (for the tests and for a sink).
std::string format_log_line(LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields);

// `text` with the values of secrets masked as <redacted>: "Bearer X", "Basic X",
// "kiln.token=X", kiln_token/agent_token (a clean step's args), and token/password keys written
// key=X, key: X or "key": "X" (JSON), and the user:password@ of a URL. A safety net under every log
// line, for error messages that echo what a peer sent (Ironic repeating a node's kernel command
// line).
std::string redact_secrets(std::string text);

// A logfmt value: as is when it is a plain word, else in double quotes with
// \" \\ \n \t and control bytes escaped.
std::string logfmt_value(std::string_view value);

// Where lines go instead of stderr (the tests); an empty function restores
// stderr. The sink gets the line of format_log_line, without a newline.
void set_log_sink(std::function<void(const std::string&)> sink);

}  // namespace kiln::orchestrator
