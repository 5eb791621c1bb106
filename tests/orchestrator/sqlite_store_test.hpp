// A fixture with a RunStore on SQLite in a fresh per-test temp dir, and a slot
// for the ApiService the test builds on it (reset before the store). Base is
// ::testing::Test or ::testing::TestWithParam<T>.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "api/api_service.hpp"
#include "store/run_store.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {

template <class Base = ::testing::Test>
class SqliteStoreTest : public Base {
 protected:
  // store_ on TMP/PREFIX-PID-TESTNAME/kiln.db (dir_).
  void open_store(const std::string& prefix) {
    dir_ = fresh_test_dir(prefix);
    auto store = open_run_store(sqlite_url(dir_));
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<RunStore> store_;
  std::unique_ptr<ApiService> api_;
};

}  // namespace kiln::orchestrator
