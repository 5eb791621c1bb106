// docs/failure-codes.md: the failure-code table, one section per stage.
#include <fmt/format.h>

#include <map>

#include "catalog_docs/render.hpp"
#include "kiln/catalog/failure_codes.hpp"

namespace kiln::catalog::docs {
namespace {

// A template as Markdown shows it: `|` would end the table cell.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string failure_table() {
  std::map<std::string_view, std::vector<const FailureCode*>> by_stage;
  std::vector<std::string_view> order;
  for (const auto& code : failure_codes()) {
    if (!by_stage.contains(code.stage)) order.push_back(code.stage);
    by_stage[code.stage].push_back(&code);
  }
  std::string out;
  for (auto stage : order) {
    out += fmt::format("\n### {}\n\n", stage.empty() ? "the report (any stage)" : stage);
    out +=
        "| code | severity | names a | message | remedy | part to return |\n"
        "|---|---|---|---|---|---|\n";
    for (const auto* c : by_stage[stage]) {
      out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", c->id, to_string(c->severity),
                         c->component, cell(c->message), cell(c->remedy),
                         c->returns_part ? "yes" : "no");
    }
  }
  return out + "\n";
}

}  // namespace

Expected<std::string> render_failure_codes_md(const std::string& committed) {
  constexpr std::string_view kOpen = "<!-- failure-codes -->";
  constexpr std::string_view kClose = "<!-- /failure-codes -->";
  auto open = committed.find(kOpen);
  auto close = committed.find(kClose);
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return make_error("KILN-CATALOG", fmt::format("no '{}' ... '{}' block", kOpen, kClose));
  }
  return committed.substr(0, open + kOpen.size()) + "\n" + failure_table() +
         committed.substr(close);
}

}  // namespace kiln::catalog::docs
