// The orchestrator's log lines: logfmt quoting, levels, and the secrets a
// line never carries.
#include "log/log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kiln::orchestrator {
namespace {

struct CapturedLog {
  CapturedLog() {
    set_log_sink([this](const std::string& line) { lines.push_back(line); });
  }
  ~CapturedLog() {
    set_log_sink({});
    set_log_level(LogLevel::info);
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::vector<std::string> lines;
};

TEST(Log, PlainWordsStayBareOthersAreQuotedAndEscaped) {
  EXPECT_EQ(logfmt_value("GET"), "GET");
  EXPECT_EQ(logfmt_value("/v1/runs/r-1"), "/v1/runs/r-1");
  EXPECT_EQ(logfmt_value(""), "\"\"");
  EXPECT_EQ(logfmt_value("two words"), "\"two words\"");
  EXPECT_EQ(logfmt_value("a=b"), "\"a=b\"");
  EXPECT_EQ(logfmt_value("say \"hi\"\\\n"), "\"say \\\"hi\\\"\\\\\\n\"");
  EXPECT_EQ(logfmt_value(std::string("bell\x07", 5)), "\"bell\\x07\"");
}

TEST(Log, LineHasLevelMessageAndKnownFieldsOnly) {
  EXPECT_EQ(format_log_line(LogLevel::warning, "ironic step failed",
                            {{"node", "n-1"}, {"run", ""}, {"error", "409 NodeLocked"}}),
            "level=warning msg=\"ironic step failed\" node=n-1 error=\"409 NodeLocked\"");
}

TEST(Log, LevelsBelowTheSetOneAreDropped) {
  CapturedLog log;
  set_log_level(LogLevel::warning);
  log_line(LogLevel::debug, "d");
  log_line(LogLevel::info, "i");
  log_line(LogLevel::warning, "w");
  log_line(LogLevel::error, "e");
  ASSERT_EQ(log.lines.size(), 2U);
  EXPECT_EQ(log.lines[0], "level=warning msg=w");
  EXPECT_EQ(log.lines[1], "level=error msg=e");
  set_log_level(LogLevel::debug);
  log_line(LogLevel::debug, "d");
  EXPECT_EQ(log.lines.size(), 3U);
}

TEST(Log, ParsesLevelNamesAndRefusesOthers) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("error"), LogLevel::error);
  EXPECT_FALSE(parse_log_level("verbose"));
  EXPECT_FALSE(parse_log_level("INFO"));
}

TEST(Log, SecretsAreMaskedWhereverAPeerEchoedThem) {
  const std::string token = "tok-3f9a1c0d2b7e4a55";
  const std::vector<std::string> echoed = {
      "kernel_append_params kiln.url=http://x kiln.node=n kiln.token=" + token + " quiet",
      "Authorization: Bearer " + token,
      "{\"token\": \"" + token + "\", \"run_id\": \"r-1\"}",
      "{\"password\":\"" + token + "\"}",
      "ipmi password=" + token,
      "operator_token: " + token,
      "GET http://kiln:" + token + "@ironic.example:6385/v1/nodes: connect: refused",
      "Authorization: Basic " + token,
      // A clean step's args as Ironic echoes them (Python's repr) and as JSON.
      "Clean step args {'kiln_url': 'http://k:8480', 'kiln_token': '" + token + "'} refused",
      "{\"kiln_token\": \"" + token + "\"}",
      "agent_token=" + token,
  };
  for (const auto& text : echoed) {
    const auto line = format_log_line(LogLevel::error, text, {{"error", text}});
    EXPECT_EQ(line.find(token), std::string::npos) << line;
    EXPECT_NE(line.find("<redacted>"), std::string::npos) << line;
  }
  // What is not a secret stays readable.
  EXPECT_EQ(redact_secrets("the operator token is not valid"), "the operator token is not valid");
  EXPECT_EQ(redact_secrets("token_hash=abc run_id=r-1"), "token_hash=abc run_id=r-1");
  EXPECT_EQ(redact_secrets("http://ironic:6385/v1 https://a@b/"),
            "http://ironic:6385/v1 https://<redacted>@b/");
  EXPECT_EQ(redact_secrets("kiln.node=n-1 kiln.token=abc kiln.mode=burnin"),
            "kiln.node=n-1 kiln.token=<redacted> kiln.mode=burnin");
}

}  // namespace
}  // namespace kiln::orchestrator
