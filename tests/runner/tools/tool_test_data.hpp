// Reads captured tool outputs for the kiln_tools unit tests.
#pragma once

#include "kiln_test_paths.hpp"
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace kiln::tools::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// tests/data/<tool>/<name>; fails the calling test (empty string) when missing.
inline std::string data_file(std::string_view tool, std::string_view name) {
  auto path = std::filesystem::path(KILN_TEST_DATA_DIR) / tool / name;
  if (!std::filesystem::exists(path)) {
    ADD_FAILURE() << "missing test data file " << path;
    return {};
  }
  return read_file(path);
}

// The first half of a capture, as if the tool had been killed mid-output.
inline std::string first_half(const std::string& text) {
  return text.substr(0, text.size() / 2);
}

}  // namespace kiln::tools::testing
