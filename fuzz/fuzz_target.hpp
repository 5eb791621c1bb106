// One libFuzzer binary, many targets: each file under fuzz/targets/ registers
// its targets by name; `-target=NAME` (or KILN_FUZZ_TARGET=NAME) picks the one
// a run fuzzes, so every parser keeps its own corpus and its own runs while
// the build links one binary (fuzz/README.md).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace kiln::fuzz {

// Feeds one input to the code under test. A crash, a sanitizer report or an
// exception escaping is a finding; returning is not.
using TargetFn = void (*)(std::string_view input);

// Name -> target, filled by static KILN_FUZZ_TARGET registrations.
std::map<std::string, TargetFn, std::less<>>& targets();

struct Registrar {
  Registrar(const char* name, TargetFn fn) { targets().emplace(name, fn); }
};

}  // namespace kiln::fuzz

#define KILN_FUZZ_CONCAT2(a, b) a##b
#define KILN_FUZZ_CONCAT(a, b) KILN_FUZZ_CONCAT2(a, b)
// KILN_FUZZ_TARGET("ipmitool-fru", fuzz_ipmitool_fru);
#define KILN_FUZZ_TARGET(name, fn) \
  static const ::kiln::fuzz::Registrar KILN_FUZZ_CONCAT(kiln_fuzz_registrar_, __LINE__)(name, fn)
