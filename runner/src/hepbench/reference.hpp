// The hepbench reference: per-copy events/s of every workload on the
// reference machine, from configs/hepbench-reference.yaml. Scores are
// relative to it (see scoring.hpp).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "kiln/expected.hpp"

namespace kiln::hepbench {

struct Reference {
  std::string machine;        // what the reference machine is
  std::string kiln_version;   // the kiln version that measured it
  std::string measured_with;  // how: copies, run length (free text, optional)
  // Workload name -> events/s of one copy on the reference machine.
  std::map<std::string, double, std::less<>> events_per_second;
};

// Parses the reference YAML:
//   machine: "..."            (required)
//   kiln_version: "0.1.0"     (required)
//   measured_with: "..."      (optional)
//   events_per_second_per_copy:
//     <workload>: <events/s>  (one per workload in workload_kinds(), > 0)
// Unknown keys, unknown or missing workloads and non-positive values are
// Errors naming the source, the line and the key. Never throws.
Expected<Reference> load_reference(std::string_view yaml_text,
                                   std::string_view source = "hepbench-reference.yaml");

}  // namespace kiln::hepbench
