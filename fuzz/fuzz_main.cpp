// The libFuzzer entry points: LLVMFuzzerInitialize picks the target named by
// -target=NAME (removed from argv before libFuzzer reads its flags, and put in
// KILN_FUZZ_TARGET so -fork/-jobs/-merge children find it too);
// LLVMFuzzerTestOneInput hands each input to it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_target.hpp"

namespace kiln::fuzz {

std::map<std::string, TargetFn, std::less<>>& targets() {
  static std::map<std::string, TargetFn, std::less<>> all;
  return all;
}

namespace {

TargetFn selected = nullptr;

void print_targets(std::FILE* out) {
  for (const auto& [name, fn] : targets()) std::fprintf(out, "%s\n", name.c_str());
}

}  // namespace
}  // namespace kiln::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  using namespace kiln::fuzz;
  constexpr const char* kFlag = "-target=";
  std::string name;
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    const char* arg = (*argv)[i];
    if (std::strncmp(arg, kFlag, std::strlen(kFlag)) == 0) {
      name = arg + std::strlen(kFlag);
    } else {
      (*argv)[out++] = (*argv)[i];
    }
  }
  *argc = out;
  if (name.empty()) {
    const char* env = std::getenv("KILN_FUZZ_TARGET");
    if (env != nullptr) name = env;
  }
  if (name == "list") {
    print_targets(stdout);
    std::exit(0);
  }
  auto it = targets().find(name);
  if (it == targets().end()) {
    std::fprintf(stderr, "kiln-fuzz: %s; -target=NAME (or KILN_FUZZ_TARGET) is one of:\n",
                 name.empty() ? "no target given" : ("unknown target '" + name + "'").c_str());
    print_targets(stderr);
    std::exit(2);
  }
  setenv("KILN_FUZZ_TARGET", name.c_str(), 1);
  selected = it->second;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kiln::fuzz::selected(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
