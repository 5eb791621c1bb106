// Small, non-throwing text and JSON scanning helpers shared by the tool parsers.
// Internal to kiln_tools: every function here is total (no exceptions, no UB on
// any input).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/text.hpp"

namespace kiln::tools::scan {

// Whitespace is ' ', '\t', '\r', '\n', '\v', '\f'.
using kiln::trim;
// Splits on '\n' (a trailing '\r' is dropped); the last empty line is not returned.
std::vector<std::string_view> lines(std::string_view text);
// Splits on `sep`, keeping empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);
// Splits on runs of whitespace, dropping empty tokens.
std::vector<std::string_view> tokens(std::string_view s);

bool is_blank(std::string_view s);
bool all_digits(std::string_view s);  // non-empty and only 0-9
std::string to_lower(std::string_view s);
bool icontains(std::string_view haystack, std::string_view needle);
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view s, std::string_view prefix);

// Whole-string conversions: the entire (trimmed) text must be the number.
std::optional<double> to_double(std::string_view s);  // finite values only
std::optional<long long> to_int(std::string_view s, int base = 10);
std::optional<std::uint64_t> to_u64(std::string_view s, int base = 10);
// The run of decimal digits at the start of `s` (after spaces), if any.
std::optional<std::uint64_t> leading_u64(std::string_view s);

// Offset of the first '{' that starts a line (after spaces/tabs), `from`
// itself counting as a line start: tools print warnings before their JSON.
std::optional<std::size_t> line_start_brace(std::string_view text, std::size_t from = 0);

// Returns the balanced JSON object starting at text[start] == '{', honouring
// strings and escapes; nullopt when it is not closed before the end of text.
std::optional<std::string_view> balanced_object(std::string_view text, std::size_t start);

// Non-throwing lookups for what common/json_input.hpp lacks.
std::optional<std::uint64_t> json_u64(const nlohmann::json& j, std::string_view key);
const nlohmann::json* json_object(const nlohmann::json& j, std::string_view key);
const nlohmann::json* json_array(const nlohmann::json& j, std::string_view key);
// A string member, or "" when absent or not a string.
std::string json_text(const nlohmann::json& j, std::string_view key);

}  // namespace kiln::tools::scan
