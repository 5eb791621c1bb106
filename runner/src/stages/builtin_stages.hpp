// Factories of the built-in stages (registered by register_builtin_stages).
#pragma once

#include <memory>

#include "stage/stage.hpp"

namespace kiln::runner {

std::unique_ptr<Stage> make_preliminary_stage();
std::unique_ptr<Stage> make_inventory_stage();
std::unique_ptr<Stage> make_memory_stage();
std::unique_ptr<Stage> make_cpu_stage();
std::unique_ptr<Stage> make_disk_stage();
std::unique_ptr<Stage> make_disk_perf_stage();
std::unique_ptr<Stage> make_network_stage();
std::unique_ptr<Stage> make_benchmark_stage();
std::unique_ptr<Stage> make_memtest_stage();
std::unique_ptr<Stage> make_disk_wipe_stage();
std::unique_ptr<Stage> make_bmc_reset_stage();

}  // namespace kiln::runner
