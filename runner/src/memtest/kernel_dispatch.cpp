// Run-time choice of the sweep loops: the widest the CPU supports, or the one
// asked for (tests cover every path this way).
#include <string>

#include "memtest/sweep_kernels.hpp"

namespace kiln::memtest {

std::string_view to_string(Isa isa) {
  switch (isa) {
    case Isa::kAuto:
      return "auto";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kSse2:
      return "sse2";
    case Isa::kScalar:
      return "scalar";
  }
  return "unknown";
}

Expected<Isa> parse_isa(std::string_view name) {
  for (Isa isa : {Isa::kAuto, Isa::kAvx2, Isa::kSse2, Isa::kScalar}) {
    if (name == to_string(isa)) return isa;
  }
  return make_error("memtest-bad-option",
                    "unknown instruction set '" + std::string(name) + "' for the memory test",
                    "use one of auto, avx2, sse2, scalar");
}

bool cpu_supports(Isa isa) {
  switch (isa) {
    case Isa::kAuto:
    case Isa::kScalar:
      return true;
#if defined(__x86_64__)
    case Isa::kSse2:
      return __builtin_cpu_supports("sse2");
    case Isa::kAvx2:
      return __builtin_cpu_supports("avx2");
#else
    case Isa::kSse2:
    case Isa::kAvx2:
      return false;
#endif
  }
  return false;
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> isas;
  for (Isa isa : {Isa::kAvx2, Isa::kSse2, Isa::kScalar}) {
    if (cpu_supports(isa)) isas.push_back(isa);
  }
  return isas;
}

Expected<const SweepKernels*> select_kernels(Isa isa) {
  if (isa == Isa::kAuto) isa = supported_isas().front();
  if (!cpu_supports(isa)) {
    return make_error("memtest-bad-option",
                      "this CPU does not support " + std::string(to_string(isa)), "use isa: auto");
  }
  switch (isa) {
    case Isa::kAvx2:
      return &avx2_kernels();
    case Isa::kSse2:
      return &sse2_kernels();
    default:
      return &scalar_kernels();
  }
}

}  // namespace kiln::memtest
