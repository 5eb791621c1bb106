#include "ironic/kernel_params.hpp"

#include <fmt/format.h>

namespace kiln::orchestrator {

std::string kernel_params(std::string_view public_url, std::string_view node_uuid,
                          std::string_view token, std::string_view mode, std::string_view extra) {
  std::string params = fmt::format("kiln.url={} kiln.node={} kiln.token={} kiln.mode={}",
                                   public_url, node_uuid, token, mode);
  std::size_t start = 0;
  while (start < extra.size()) {
    std::size_t end = extra.find(' ', start);
    if (end == std::string_view::npos) end = extra.size();
    const auto word = extra.substr(start, end - start);
    if (!word.empty() && !word.starts_with("kiln.mode="))
      fmt::format_to(std::back_inserter(params), " {}", word);
    start = end + 1;
  }
  return params;
}

}  // namespace kiln::orchestrator
