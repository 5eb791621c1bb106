// Checking what a profile writes against the catalog, before anything runs:
// unknown stages and parameters, wrong types, values outside the allowed set
// or range. Shared by `kiln-runner plan`/`run` and the orchestrator's check of
// the configs it serves; every error names the file and line.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/catalog/stages.hpp"
#include "kiln/config.hpp"
#include "kiln/expected.hpp"

namespace kiln::catalog {

// Parses "90s", "15m", "2h", "1d", "500ms" or a bare number of seconds.
Expected<std::chrono::milliseconds> parse_duration(std::string_view text);

// Whether `text` is one of `allowed` ('|'-separated values and forms, see ParamDecl).
bool value_allowed(std::string_view allowed, std::string_view text);

// What is wrong with one scalar (or one list item) of `spec`; "" when nothing.
std::string value_problem(const ParamSpec& spec, std::string_view text);

// Every problem of one profile entry, each "file:line: ..."; empty when none.
std::vector<std::string> stage_entry_problems(const StageEntry& entry);

// The problems of an entry's parameters against `specs` (a stage's own
// declaration: stage_params(entry.stage) for a stage of the catalog).
std::vector<std::string> param_problems(const StageEntry& entry,
                                        const std::vector<ParamSpec>& specs);

// The profile's stages and parameters; the error lists every problem found.
Status check_profile(const Profile& profile);

}  // namespace kiln::catalog
