// A test parameterised over the store backends: "sqlite" (a fresh database in
// a per-test temp dir) and "postgres" (a clean schema on the PostgreSQL server
// the tests start; skipped with the reason when it cannot be started).
// SetUp leaves the store's URL in url_; derived fixtures open what they need
// (open_store()).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "postgres_server.hpp"
#include "store/run_store.hpp"
#include "store/sql_connection.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {

class StoreBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      dir_ = fresh_test_dir("kiln-store");
      url_ = sqlite_url(dir_);
    } else {
      std::string why;
      auto* server = testing::PostgresServer::instance(why);
      if (server == nullptr) GTEST_SKIP() << "PostgreSQL store tests skipped: " << why;
      auto conn = open_postgres(server->conninfo());
      ASSERT_TRUE(conn) << conn.error().message;
      ASSERT_TRUE((*conn)->exec_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"));
      url_ = server->conninfo();
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // A RunStore on url_ (each call its own connection); nullptr, and the test
  // failed naming why, when it cannot be opened.
  std::unique_ptr<RunStore> open_store() {
    auto store = open_run_store(url_);
    if (!store) {
      ADD_FAILURE() << "cannot open the store " << url_ << ": " << store.error().message;
      return nullptr;
    }
    return std::move(*store);
  }

  std::filesystem::path dir_;  // empty for PostgreSQL
  std::string url_;
};

}  // namespace kiln::orchestrator
