// SystemHostAdapter's file access: host paths resolved under a configurable
// root, so tests point it at a fake /sys tree.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "host/host_adapter.hpp"

namespace kiln::runner {

std::string read_trimmed(HostAdapter& host, std::string_view path) {
  auto text = host.read_file(path);
  if (!text) return {};
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  auto first = text->find_first_not_of(kSpace);
  if (first == std::string::npos) return {};
  return text->substr(first, text->find_last_not_of(kSpace) - first + 1);
}

SystemHostAdapter::SystemHostAdapter(std::filesystem::path root) : root_(std::move(root)) {}

std::filesystem::path SystemHostAdapter::resolve(std::string_view path) const {
  std::filesystem::path p(path);
  if (root_ == "/" || root_.empty()) return p;
  return root_ / p.relative_path();
}

Expected<std::string> SystemHostAdapter::read_file(std::string_view path) {
  std::ifstream in(resolve(path), std::ios::binary);
  if (!in) {
    return make_error("KILN-HOST-READ", fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status SystemHostAdapter::write_file(std::string_view path, std::string_view data) {
  std::ofstream out(resolve(path), std::ios::binary | std::ios::trunc);
  if (!out || !out.write(data.data(), static_cast<std::streamsize>(data.size())) || !out.flush()) {
    return make_error("KILN-HOST-WRITE", fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  return ok();
}

Expected<std::vector<std::string>> SystemHostAdapter::list_dir(std::string_view path) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(resolve(path), ec)) {
    names.push_back(entry.path().filename().string());
  }
  if (ec) return make_error("KILN-HOST-READ", fmt::format("cannot list {}: {}", path, ec.message()));
  std::sort(names.begin(), names.end());
  return names;
}

bool SystemHostAdapter::exists(std::string_view path) {
  std::error_code ec;
  return std::filesystem::exists(resolve(path), ec);
}

Expected<std::string> SystemHostAdapter::read_link(std::string_view path) {
  std::error_code ec;
  auto target = std::filesystem::read_symlink(resolve(path), ec);
  if (ec) return make_error("KILN-HOST-READ", fmt::format("cannot read link {}: {}", path, ec.message()));
  return target.string();
}

}  // namespace kiln::runner
