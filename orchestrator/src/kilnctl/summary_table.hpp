// kilnctl's human view of GET /v1/deliveries/{tag}/summary: figures against
// the tender and the batch, and the outliers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kiln::orchestrator {

std::string delivery_summary_table(const nlohmann::json& summary);
// `kilnctl delivery show`: the delivery's node table, then its "summary".
std::string delivery_with_summary_table(const nlohmann::json& delivery);

}  // namespace kiln::orchestrator
