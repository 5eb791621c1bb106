#include "kilnctl/paged_list.hpp"

#include <fmt/format.h>

namespace kiln::orchestrator {

Expected<std::optional<nlohmann::json>> fetch_all_pages(const std::string& path,
                                                        std::string_view list,
                                                        const PageFetch& fetch) {
  const std::string key(list);
  const char joiner = path.find('?') == std::string::npos ? '?' : '&';
  std::optional<nlohmann::json> whole;
  std::string after;
  for (int page = 1;; ++page) {
    const std::string target =
        after.empty() ? path : fmt::format("{}{}after={}", path, joiner, after);
    auto answer = fetch(target);
    if (!answer) return std::optional<nlohmann::json>();
    if (!answer->is_object() || !answer->contains(key) || !(*answer)[key].is_array())
      return make_error("KILN-CLI", fmt::format("page {} of {} has no '{}' list", page, path, key));
    std::optional<std::string> next;
    if (auto it = answer->find("next"); it != answer->end()) {
      if (!it->is_string() || it->get_ref<const std::string&>().empty() ||
          it->get_ref<const std::string&>() == after)
        return make_error("KILN-CLI", fmt::format("page {} of {} names no next page after {} "
                                                  "(\"next\": {})",
                                                  page, path, after, it->dump()));
      next = it->get<std::string>();
      answer->erase("next");
    }
    if (!whole) {
      whole = std::move(*answer);
    } else {
      auto& into = (*whole)[key];
      for (auto& item : (*answer)[key]) into.push_back(std::move(item));
    }
    if (!next) return whole;
    after = *next;
  }
}

}  // namespace kiln::orchestrator
