// The signed delivery report (report/delivery_report.hpp) served to
// operators and viewers, and the firmware distribution added to the
// delivery's summary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/route_table.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

ApiResponse get_delivery_report(ApiCall& call);       // GET /v1/deliveries/{delivery}/report
ApiResponse get_delivery_report_html(ApiCall& call);  // GET .../report.html
ApiResponse get_delivery_report_csv(ApiCall& call);   // GET .../report.csv

// Adds "firmware" (distribution and systematic findings, firmware_distribution.hpp)
// and "firmware_flags" ({node UUID: [finding messages]}) to a delivery summary,
// from the delivery's nodes and runs as read for it; a delivery of more than
// `values_max_nodes` nodes lists the first kSummaryMissingNamed nodes of each
// firmware value and finding (their counts stay whole).
void add_firmware_to_summary(const std::string& tag, const std::vector<NodeRecord>& nodes,
                             const std::vector<RunRow>& runs, std::size_t values_max_nodes,
                             nlohmann::json& summary);

}  // namespace kiln::orchestrator
