// The signed delivery report (report/delivery_report.hpp) served to
// operators and viewers, and the firmware distribution added to the
// delivery's summary.
#pragma once

#include <nlohmann/json.hpp>

#include "api/route_table.hpp"

namespace kiln::orchestrator {

ApiResponse get_delivery_report(ApiCall& call);       // GET /v1/deliveries/{delivery}/report
ApiResponse get_delivery_report_html(ApiCall& call);  // GET .../report.html
ApiResponse get_delivery_report_csv(ApiCall& call);   // GET .../report.csv

// Adds "firmware" (distribution and systematic findings, firmware_distribution.hpp)
// and "firmware_flags" ({node UUID: [finding messages]}) to a delivery summary.
Status add_firmware_to_summary(RunStore& store, const std::string& tag, nlohmann::json& summary);

}  // namespace kiln::orchestrator
