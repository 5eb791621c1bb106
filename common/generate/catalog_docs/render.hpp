// The files generated from the catalog and how each is rendered from the
// committed text (hand-written parts are kept, the catalog's parts replaced).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kiln/catalog/stages.hpp"
#include "kiln/expected.hpp"

namespace kiln::catalog::docs {

struct GeneratedFile {
  std::string path;  // relative to the source tree
  std::function<Expected<std::string>(const std::string& committed)> render;
};

std::vector<GeneratedFile> generated_files();

// JSON Schema of one parameter, and the regex an `allowed` list stands for.
nlohmann::json param_schema(const ParamSpec& spec);
std::string allowed_regex(std::string_view allowed);

// results-schema/config.schema.json with the catalog's parts regenerated.
Expected<std::string> render_config_schema(const std::string& committed);
// docs/configuration.md with the limits table (`<!-- limits -->`) regenerated.
Expected<std::string> render_configuration_md(const std::string& committed);
// docs/failure-codes.md with the failure-code tables (`<!-- failure-codes -->`) regenerated.
Expected<std::string> render_failure_codes_md(const std::string& committed);
// docs/stages.md with every `<!-- params:STAGE -->` table regenerated.
Expected<std::string> render_stages_md(const std::string& committed);

}  // namespace kiln::catalog::docs
