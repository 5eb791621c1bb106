// Fakes of the memory engine's host seam: an in-memory file table, a reader
// rooted at a temporary directory, and a pagemap with known frame numbers.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "memtest/host_reader.hpp"

namespace kiln::memtest::testing {

// Frame number the fake pagemap gives virtual page p: kFakePfnBase + p % 2^20.
inline constexpr std::uint64_t kFakePfnBase = 0x100000;
inline std::uint64_t fake_pfn(std::uint64_t page_index) {
  return kFakePfnBase + (page_index & 0xFFFFF);
}

inline std::function<Expected<std::uint64_t>(std::uint64_t)> fake_pagemap() {
  return [](std::uint64_t page_index) -> Expected<std::uint64_t> {
    return (1ULL << 63) | fake_pfn(page_index);
  };
}

// Files and directories from a table: "dir/name" → text.
inline MemtestHost table_host(std::map<std::string, std::string> files) {
  auto table = std::make_shared<std::map<std::string, std::string>>(std::move(files));
  MemtestHost host;
  host.read_file = [table](std::string_view path) -> Expected<std::string> {
    auto it = table->find(std::string(path));
    if (it == table->end()) return make_error("test-no-file", std::string(path));
    return it->second;
  };
  host.list_dir = [table](std::string_view path) -> Expected<std::vector<std::string>> {
    const std::string prefix = std::string(path) + "/";
    std::vector<std::string> names;
    for (const auto& [name, text] : *table) {
      if (name.rfind(prefix, 0) != 0) continue;
      std::string rest = name.substr(prefix.size());
      rest = rest.substr(0, rest.find('/'));
      if (names.empty() || names.back() != rest) names.push_back(rest);
    }
    if (names.empty()) return make_error("test-no-dir", std::string(path));
    return names;
  };
  host.read_pagemap = fake_pagemap();
  return host;
}

// Host paths resolved under `root`, like SystemHostAdapter(root).
inline MemtestHost rooted_host(const std::filesystem::path& root) {
  MemtestHost host;
  host.read_file = [root](std::string_view path) -> Expected<std::string> {
    std::ifstream in(root / std::filesystem::path(path).relative_path());
    if (!in) return make_error("test-no-file", std::string(path));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  host.list_dir = [root](std::string_view path) -> Expected<std::vector<std::string>> {
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(
             root / std::filesystem::path(path).relative_path(), ec)) {
      names.push_back(entry.path().filename().string());
    }
    if (ec) return make_error("test-no-dir", std::string(path));
    std::sort(names.begin(), names.end());
    return names;
  };
  host.read_pagemap = fake_pagemap();
  return host;
}

// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("kiln-memtest-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  void write(const std::string& relative, const std::string& text) const {
    const auto file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

}  // namespace kiln::memtest::testing
