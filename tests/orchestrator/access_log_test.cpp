// The access log's fields: the path without its query, the ids a path names,
// the level of a line.
#include "server/access_log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kiln::orchestrator {
namespace {

TEST(AccessLog, PathLosesItsQueryAndIsBounded) {
  EXPECT_EQ(loggable_path("/v1/runs?token=secret-value"), "/v1/runs");
  EXPECT_EQ(loggable_path("/v1/nodes/n-1"), "/v1/nodes/n-1");
  const std::string longer(1000, 'a');
  EXPECT_EQ(loggable_path("/" + longer).size(), 256U + 3U);
}

TEST(AccessLog, IdsComeFromThePath) {
  std::string run, node;
  ids_from_path("/v1/runs/run-7/artifacts", run, node);
  EXPECT_EQ(run, "run-7");
  EXPECT_EQ(node, "");
  run.clear();
  ids_from_path("/v1/runs/register", run, node);
  EXPECT_EQ(run, "");  // the answer names it (server/http_connection.hpp)
  ids_from_path("/v1/nodes/0a1b/certificate", run, node);
  EXPECT_EQ(node, "0a1b");
  node.clear();
  ids_from_path("/v1/deliveries/PO-1", run, node);
  EXPECT_EQ(run + node, "");
}

TEST(AccessLog, LevelsFollowTheAnswer) {
  AccessRecord r;
  r.path = "/v1/runs";
  r.status = 200;
  EXPECT_EQ(access_level(r), LogLevel::info);
  r.status = 401;
  EXPECT_EQ(access_level(r), LogLevel::info);
  r.status = 503;
  EXPECT_EQ(access_level(r), LogLevel::error);
  r.path = "/readyz";
  r.status = 200;
  EXPECT_EQ(access_level(r), LogLevel::debug);  // probes every few seconds
  r.status = 503;
  EXPECT_EQ(access_level(r), LogLevel::error);  // not ready is news
}

TEST(AccessLog, OneLineWithEveryField) {
  std::vector<std::string> lines;
  set_log_sink([&](const std::string& line) { lines.push_back(line); });
  AccessRecord r{"POST",  "/v1/runs/r-1/report", 200, 41, std::chrono::microseconds(1500), "r-1",
                 "node-9"};
  log_access(r);
  set_log_sink({});
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0],
            "level=info msg=request method=POST path=/v1/runs/r-1/report status=200 bytes=41 "
            "duration_ms=1.50 run=r-1 node=node-9");
}

}  // namespace
}  // namespace kiln::orchestrator
