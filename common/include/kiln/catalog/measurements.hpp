// The catalog's measurements: what each stage measures, in which unit, which
// way is better, the tender limits that judge it, and how the same figure is
// grouped across the nodes of a delivery (its batch key: the component's role,
// never its serial or MAC). The runner may only report what is declared here;
// the orchestrator's delivery analysis reads figures, directions and batch
// keys from here alone.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kiln/catalog/component.hpp"

namespace kiln::catalog {

enum class Better { kHigher, kLower };

// How a figure is grouped across a delivery's nodes.
enum class BatchBy {
  kNone,       // not a delivery figure (counts, identities, errors judged on their own)
  kNode,       // one per node (CPU, memory, the benchmark score)
  kComponent,  // per component name, when the name is a role ("workload track_fit")
  kDiskModel,  // data disks of one model
  kNicSpeed,   // NIC ports of one link speed class
};
std::string_view to_string(BatchBy b);

struct MeasurementDecl {
  std::string_view stage;
  // The name, with a "{...}" placeholder where it varies ("stress_ng_cpu_{method}_bogo_ops_per_s").
  std::string_view name;
  std::string_view unit;
  std::string_view description;
  std::optional<Better> better;  // set for a delivery figure
  BatchBy batch = BatchBy::kNone;
  std::string_view limits;  // the tender limits that apply, '|'-separated
  std::string_view label;   // how the delivery view names it ("fio seq_read bandwidth")
  std::string_view hint;    // what to check on an outlier
};

std::span<const MeasurementDecl> measurements();
// The declaration whose name (placeholders matching any non-empty text) is `name`.
const MeasurementDecl* find_measurement(std::string_view stage, std::string_view name);

// The group of measurement `name`, reported by `stage` on `component` (whose
// identity, when known, is `hardware`), across a delivery's nodes; "" when it
// is not a figure. E.g. "disk-perf.seq_read_bandwidth[disk model KILN-SATA]":
// disks of one model, NICs of one speed class, whatever their serial or MAC.
std::string batch_key(std::string_view stage, const MeasurementDecl& decl, std::string_view name,
                      std::string_view component, const ComponentIdentity* hardware);

}  // namespace kiln::catalog
