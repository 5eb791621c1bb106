// kiln's one entry point for outside JSON: bounded, never throws; the typed
// lookups on what it returns; a parsed document dumps again.
#include "kiln/json_input.hpp"

#include "fuzz_check.hpp"
#include "fuzz_target.hpp"

namespace kiln::fuzz {
namespace {

void json_input(std::string_view input) {
  check(parse_json(input, "fuzz input", 4096));
  auto doc = parse_json(input, "fuzz input");
  check(doc);
  if (!doc) return;
  (void)doc->dump();
  if (!doc->is_object()) return;
  for (const auto& [key, value] : doc->items()) {
    (void)json_number(*doc, key);
    (void)json_integer(*doc, key);
    (void)json_string(*doc, key);
    (void)json_bool(*doc, key);
    (void)json_path(*doc, {key, key});
  }
}

KILN_FUZZ_TARGET("json-input", json_input);

}  // namespace
}  // namespace kiln::fuzz
