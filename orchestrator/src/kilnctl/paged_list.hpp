// The whole of a paged list (GET /v1/nodes, a delivery's node_list): kilnctl
// asks for the first page, then for the page after each answer's "next",
// until an answer has none, and hands the lists on as one answer.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "kiln/expected.hpp"

namespace kiln::orchestrator {

// GETs a path; nullopt when it failed (the fetcher has said why).
using PageFetch = std::function<std::optional<nlohmann::json>(const std::string& path)>;

// `path` (with its own query, e.g. "?limit=5000") and the pages after it:
// the first answer, with the `list` arrays of every page in order and no
// "next". An answer with a "next" that is no string or repeats the one before
// is an error, as is a page that is not an object with a `list` array.
// Nullopt (from `fetch`) ends it as a failed fetch.
Expected<std::optional<nlohmann::json>> fetch_all_pages(const std::string& path,
                                                        std::string_view list,
                                                        const PageFetch& fetch);

}  // namespace kiln::orchestrator
