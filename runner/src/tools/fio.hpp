// fio: argv for one job with JSON output, and the JSON result (fio 2.x and 3.x).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kFioParseError = "KILN-PARSE-FIO";

struct FioJobSpec {
  std::string name = "kiln";
  std::string filename;         // device or file
  std::string rw = "randread";  // read, write, randread, randwrite, randrw
  std::string bs = "4k";
  int iodepth = 32;
  int numjobs = 1;
  bool direct = true;
  int runtime_s = 60;
  bool time_based = true;
  std::string size;  // empty = whole device
  std::string ioengine = "libaio";
};

// fio --name=N --filename=F --rw=.. --bs=.. --iodepth=.. --numjobs=.. --direct=1
//     --ioengine=libaio --runtime=Ns [--time_based] [--size=..] --group_reporting
//     --output-format=json
std::vector<std::string> fio_argv(const FioJobSpec& job);

struct FioDirection {
  double bw_kib_s = 0;  // fio "bw" (KiB/s)
  double bw_mb_s = 0;   // 10^6 bytes/s
  double iops = 0;
  std::uint64_t io_bytes = 0;  // fio 2.x printed KiB under "io_bytes": converted to bytes
  std::uint64_t runtime_ms = 0;
  std::optional<double> clat_p99_us;  // completion latency 99th percentile, microseconds
  std::optional<double> lat_p99_us;   // total latency p99, when fio reported lat percentiles
  std::optional<double> clat_mean_us;
};

struct FioJob {
  std::string name;
  long long error = 0;  // errno of the job; non-zero = the job failed
  FioDirection read;
  FioDirection write;
};

struct FioResult {
  std::string fio_version;
  std::vector<FioJob> jobs;
  std::vector<std::string> messages;  // lines fio printed before the JSON (warnings, errors)
  [[nodiscard]] bool any_job_error() const;
};

// Finds the JSON object after any warning/error lines fio printed first.
// Errors: empty output, no JSON object (e.g. "error: failed to setup shm
// segment"), a truncated or invalid document, or no "jobs" array.
Expected<FioResult> parse_fio_json(std::string_view text);

}  // namespace kiln::tools
