// `kilnctl delivery show`: the firmware distribution of a delivery (node
// counts per value) and its systematic findings, after the batch analysis.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kiln::orchestrator {

// The summary's "firmware" and "firmware_flags" as text.
std::string firmware_table(const nlohmann::json& summary);

// delivery_with_summary_table, then firmware_table of its summary.
std::string delivery_show_table(const nlohmann::json& delivery);

}  // namespace kiln::orchestrator
