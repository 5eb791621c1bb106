// The benchmark stage's judgement of a run: score, per-workload and per-copy
// figures, and the FAILs (a wrong result, a score below the tender, copies
// spread wider than the tender allows). `mhz`: the CPU frequency samples
// taken while it ran.
#pragma once

#include <vector>

#include "hepbench/benchmark.hpp"
#include "stage/stage.hpp"

namespace kiln::runner {

void judge_benchmark_report(StageContext& ctx, const hepbench::Report& r,
                            const std::vector<double>& mhz);

}  // namespace kiln::runner
