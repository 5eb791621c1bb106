// kiln's native memory pattern engine (runner/src/memtest/) as a stage of its
// own ("memtest") and as a part the memory stage runs alongside stress-ng.
#pragma once

#include <vector>

#include "memtest/memtest.hpp"
#include "stage/stage.hpp"

namespace kiln::runner {

// The memory engine's view of the host (its files and this process's pagemap) through `host`.
memtest::MemtestHost memtest_host(HostAdapter& host);
// Runs the engine with the parameters named `prefix` + name; reports through ctx.step.
void run_memtest_engine(StageContext& ctx, const std::string& prefix);
// What the engine found, as measurements and FAILs (a diagnosis per faulty
// address, up to 32, then one naming the total).
void judge_memtest_report(StageContext& ctx, const memtest::MemtestReport& r);

}  // namespace kiln::runner
