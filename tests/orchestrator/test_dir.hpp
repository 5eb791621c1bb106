// A per-test temp dir and the SQLite store URL in it, for the orchestrator
// tests' fixtures.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace kiln::orchestrator {

// An empty directory for the running test: TMP/PREFIX-PID-TESTNAME (the '/' of
// a parameterised test's name becomes '_', so the directory is one level).
inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(test.begin(), test.end(), '/', '_');
  auto dir = std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" + test);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string sqlite_url(const std::filesystem::path& dir) {
  return "sqlite://" + (dir / "kiln.db").string();
}

}  // namespace kiln::orchestrator
