// The server's worker threads (operators' reads) run nicer than the rest of
// the process (event loop, group commit), so batches win the cores.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/api_service.hpp"
#include "server/http_server.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {
namespace {

// How many threads of this process run at nice value `nice` (/proc/self/task/*/stat).
int threads_at_nice(int nice) {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 0; i <= 16 && fields >> field; ++i) {
      if (i == 16 && std::stoi(field) == nice) ++count;  // field 19: nice
    }
  }
  return count;
}

TEST(WorkerPriority, EveryWorkerThreadRunsNicer) {
  const int base = getpriority(PRIO_PROCESS, 0);
  const int nicer = std::min(19, base + 5);
  if (nicer == base) GTEST_SKIP() << "the test already runs at nice " << base;
  const int before = threads_at_nice(nicer);
  auto dir = fresh_test_dir("kiln-worker-priority");
  auto store = open_run_store(sqlite_url(dir));
  ASSERT_TRUE(store) << store.error().message;
  OrchestratorConfig config;
  config.operator_token = "operator-token-0123456789";
  config.listen = "127.0.0.1";
  config.port = 0;
  config.workers = 3;
  {
    ApiService service(**store, config);
    HttpServer server(service, config);
    int lowered = 0;
    for (int i = 0; i < 200 && (lowered = threads_at_nice(nicer) - before) < 3; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(lowered, 3);
    EXPECT_EQ(getpriority(PRIO_PROCESS, 0), base);  // this thread (the caller's) is untouched
  }
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kiln::orchestrator
