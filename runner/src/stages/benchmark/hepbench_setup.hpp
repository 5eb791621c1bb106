// What the benchmark stage and `kiln-runner bench` share: parsing the length
// and copy-placement parameters, loading the reference, choosing the CPUs.
#pragma once

#include <filesystem>
#include <string>

#include "hepbench/benchmark.hpp"
#include "hepbench/cpu_selection.hpp"
#include "host/host_adapter.hpp"

namespace kiln::runner {

// "quick", "standard" or "box=<duration>" (time box per workload).
Expected<hepbench::RunLength> parse_bench_length(const std::string& text);
// "logical" (one copy per logical CPU), "physical" (one per core) or a count.
Expected<hepbench::CopyPolicy> parse_copy_policy(const std::string& text);
Expected<hepbench::Reference> load_bench_reference(const std::filesystem::path& config_dir);
Expected<std::vector<int>> bench_cpus(HostAdapter& host, const hepbench::CopyPolicy& policy);

}  // namespace kiln::runner
