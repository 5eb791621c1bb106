// What every target checks beyond "no crash": a refusal is an Error with a
// message (kiln's rule: bad input gets a clear error naming what and where).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "kiln/expected.hpp"

namespace kiln::fuzz {

// Aborts (a finding) with `what` when `condition` is false.
inline void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "kiln-fuzz: invariant broken: %s\n", what);
  std::abort();
}

// A parser's result: a value, or an Error whose message says what went wrong.
template <class T>
void check(const Expected<T>& result) {
  if (!result) require(!result.error().message.empty(), "an Error without a message");
}

// Inputs split at the first NUL byte: two texts for parsers that take two.
inline std::pair<std::string_view, std::string_view> split_at_nul(std::string_view input) {
  auto nul = input.find('\0');
  if (nul == std::string_view::npos) return {input, {}};
  return {input.substr(0, nul), input.substr(nul + 1)};
}

}  // namespace kiln::fuzz
