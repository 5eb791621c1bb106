// What the cpu stage watches while stress-ng runs: BMC sensors and SEL
// (ipmitool, in-band or over LAN), thermal throttle counters and CPU
// frequency from sysfs/procfs.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "stage/stage.hpp"
#include "tools/ipmitool_sdr.hpp"
#include "tools/ipmitool_sel.hpp"

namespace kiln::runner {

// thermal_throttle/{core,package}_throttle_count of every CPU that has them.
struct ThrottleCounters {
  std::map<int, std::uint64_t> core;     // by CPU number
  std::map<int, std::uint64_t> package;  // by physical package id
};
ThrottleCounters read_throttle_counters(HostAdapter& host);

// Current frequency of every CPU in MHz: cpufreq scaling_cur_freq, else the
// "cpu MHz" lines of /proc/cpuinfo. Empty when neither is readable.
std::vector<double> read_cpu_mhz(HostAdapter& host);

// The BMC as the stage sees it: sensor readings sampled over time (critical
// crossings remembered, each sensor's extremes kept) and SEL listings.
class BmcWatch {
 public:
  BmcWatch(StageContext& ctx, std::optional<tools::IpmiLanTarget> lan)
      : ctx_(ctx), lan_(std::move(lan)) {}

  // Reads the sensors once; an error means no BMC answered.
  Status probe();
  // Reads the sensors and records them; a failing read is logged, not fatal.
  void sample();
  Expected<std::vector<tools::SelEntry>> read_sel();

  struct Crossing {
    tools::SensorReading reading;  // the first reading past its critical threshold
  };
  struct Extremes {
    double min = 0;
    double max = 0;
    std::string unit;
  };
  [[nodiscard]] std::vector<Crossing> crossings() const;
  [[nodiscard]] std::map<std::string, Extremes> extremes() const;
  [[nodiscard]] int samples() const;

 private:
  Expected<std::vector<tools::SensorReading>> read_sensors(const std::string& log_name);
  void record(const std::vector<tools::SensorReading>& sensors);

  StageContext& ctx_;
  std::optional<tools::IpmiLanTarget> lan_;
  mutable std::mutex mu_;
  std::vector<Crossing> crossings_;
  std::set<std::string> crossed_;
  std::map<std::string, Extremes> extremes_;
  int samples_ = 0;
  int failed_reads_ = 0;
};

// SEL entries present in `after` but not in `before` (by record id and text).
std::vector<tools::SelEntry> new_sel_entries(const std::vector<tools::SelEntry>& before,
                                             const std::vector<tools::SelEntry>& after);

}  // namespace kiln::runner
