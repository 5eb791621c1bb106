// Text helpers every kiln library needs (no allocation, total on any input).
#pragma once

#include <string_view>

namespace kiln {

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// `s` without leading and trailing whitespace (' ', '\t', '\r', '\n', '\v', '\f').
constexpr std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace kiln
