// The burn-in stages that test the machine's own parts: preliminary,
// inventory, cpu, memory, memtest, benchmark.
#include "catalog/stage_tables.hpp"

namespace kiln::catalog::tables {

using T = ParamType;

constexpr ParamDecl kCpu[] = {
    {"duration",
     T::kDuration,
     "10m",
     "",
     1,
     {},
     "",
     "total stress time, split between the methods"},
    {"methods",
     T::kStringList,
     "all",
     "",
     {},
     {},
     "",
     "stress-ng --cpu-method values, run one after another"},
    {"workers", T::kInt, "0", "", 0, 65536, "", "cpu workers (0 = one per online CPU)"},
    {"sample_interval", T::kDuration, "30s", "", 1, 3600, "",
     "how often sensors and frequency are sampled"},
    {"require_bmc",
     T::kBool,
     "false",
     "",
     {},
     {},
     "",
     "an unreachable BMC is a stage error, not a warning"},
};

constexpr ParamDecl kMemory[] = {
    {"engine",
     T::kStringList,
     "stress-ng,kiln",
     "stress-ng|kiln",
     {},
     {},
     "",
     "which testers run, one after the other: stress-ng, kiln (the memtest engine)"},
    {"duration", T::kDuration, "10m", "", 1, {}, "", "how long stress-ng runs"},
    {"reserve_mib",
     T::kInt,
     "1024",
     "",
     0,
     {},
     "MiB",
     "MiB of MemAvailable left untouched for the runner and the kernel"},
    {"share_percent", T::kDouble, "100", "", 1, 100, "%",
     "percent of (MemAvailable - reserve) that stress-ng maps"},
    {"max_mib", T::kInt, "0", "", 0, {}, "MiB", "upper bound of memory tested in MiB (0 = none)"},
    {"workers", T::kInt, "0", "", 0, 65536, "", "vm workers (0 = one per logical CPU)"},
    {"method", T::kString, "all", "", {}, {}, "", "stress-ng --vm-method"},
    {"edac_interval", T::kDuration, "30s", "", 1, 3600, "",
     "how often EDAC counters are read during the run"},
};

// Pattern names of runner/src/memtest/patterns.cpp (a unit test keeps them equal).
constexpr std::string_view kMemtestPatterns =
    "stuck_address|random_value|compare_xor|compare_sub|compare_mul|compare_div|compare_or|"
    "compare_and|sequential_increment|solid_bits|block_sequential|checkerboard|bit_spread|"
    "bit_flip|walking_ones|walking_zeros|write_8bit|write_16bit|moving_inversions|march_c_minus";

constexpr ParamDecl kMemtest[] = {
    {"size_mib",
     T::kInt,
     "0",
     "",
     0,
     {},
     "MiB",
     "MiB to test; 0 = all available memory minus the reserve"},
    {"reserve_mib",
     T::kInt,
     "1024",
     "",
     0,
     {},
     "MiB",
     "MiB left free for the runner and the kernel"},
    {"patterns",
     T::kStringList,
     "",
     kMemtestPatterns,
     {},
     {},
     "",
     "pattern names (default: all; see docs/stages.md)"},
    {"passes",
     T::kInt,
     "1",
     "",
     0,
     {},
     "",
     "passes over the pattern set (0 = until the duration ends)"},
    {"duration", T::kDuration, "0", "", 0, {}, "", "time box; 0 = run the passes to the end"},
    {"isa", T::kString, "auto", "auto|avx2|sse2|scalar", {}, {}, "", "auto, avx2, sse2 or scalar"},
};

// Workload names of runner/src/hepbench/workload_catalog.cpp (kept equal by a unit test).
constexpr ParamDecl kBenchmark[] = {
    {"length",
     T::kString,
     "quick",
     "quick|standard|box=<duration>",
     {},
     {},
     "",
     "quick (~20 s), standard (~5 min) or box=<duration> per workload"},
    {"copies",
     T::kString,
     "logical",
     "logical|physical|<int>",
     1,
     {},
     "",
     "logical (one per CPU), physical (one per core) or a count"},
    {"workloads",
     T::kStringList,
     "",
     "particle_transport|track_fit|hit_clustering|event_compression|histogram_fill",
     {},
     {},
     "",
     "subset of workloads (default: all five)"},
    {"smt_compare",
     T::kBool,
     "false",
     "",
     {},
     {},
     "",
     "also run one copy per physical core and report the SMT gain"},
};

const StageDecl kPreliminaryStage{
    "preliminary",
    "FRU Product Asset Tag and Product Serial are set; the serial matches DMI when the delivery "
    "requires it",
    false,
    {},
    {},
    {}};
const StageDecl kInventoryStage{
    "inventory",
    "CPU model/sockets/cores/threads, RAM and DIMMs, disks, NICs compared with the delivery's "
    "expected inventory",
    false,
    {},
    {},
    {}};
const StageDecl kCpuStage{
    "cpu",
    "stress-ng --cpu --verify per method while sampling BMC sensors and CPU frequency; new SEL "
    "events and thermal throttle counters compared before/after",
    false,
    kCpu,
    {},
    {}};
const StageDecl kMemoryStage{
    "memory",
    "stress-ng --vm --verify and kiln's own pattern engine over the available memory; EDAC "
    "corrected/uncorrected error counters per DIMM before, during and after",
    false,
    kMemory,
    "memtest",
    "memtest_"};
const StageDecl kMemtestStage{
    "memtest",
    "kiln's parallel memory pattern engine (memtester's tests, moving inversions, March C-) at "
    "memory bandwidth; each fault named by address, bits and DIMM",
    false,
    kMemtest,
    {},
    {}};
const StageDecl kBenchmarkStage{
    "benchmark",
    "HEPSpec-like throughput score: five HEP-style workloads, one pinned copy per CPU, summed and "
    "normalised to the reference machine; every copy's results checked against known checksums",
    false,
    kBenchmark,
    {},
    {}};

}  // namespace kiln::catalog::tables
