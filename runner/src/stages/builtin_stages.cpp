#include "stages/builtin_stages.hpp"

namespace kiln::runner {

void register_builtin_stages() {
  auto& registry = StageRegistry::instance();
  registry.add(make_preliminary_stage);
  registry.add(make_inventory_stage);
  registry.add(make_memory_stage);
  registry.add(make_cpu_stage);
  registry.add(make_disk_stage);
  registry.add(make_disk_perf_stage);
  registry.add(make_network_stage);
  registry.add(make_benchmark_stage);
  registry.add(make_memtest_stage);
  registry.add(make_disk_wipe_stage);
  registry.add(make_bmc_reset_stage);
}

}  // namespace kiln::runner
