// The delivery report: the document an invoice can wait on. Built from the
// store (the delivery's nodes, their burn-in reports and decommission runs),
// the delivery's config (tender reference, description, the file's sha256)
// and the batch analysis (outliers); rendered as JSON, printable HTML or CSV
// (report_render.hpp) and signed with the orchestrator's Ed25519 key
// (report_signing.hpp). Schema of the JSON: results-schema/delivery-report.schema.json.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/orchestrator_config.hpp"
#include "kiln/config.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

inline constexpr int kDeliveryReportFormat = 1;

struct DeliveryReportInput {
  std::string tag;
  const Delivery* delivery = nullptr;  // the delivery's config, when the orchestrator has it
  std::string generated_at;            // RFC 3339
};

// The report body (unsigned); nullopt when no node registered with the tag.
Expected<std::optional<nlohmann::json>> build_delivery_report(RunStore& store,
                                                              const OutlierSettings& rule,
                                                              const DeliveryReportInput& input);

}  // namespace kiln::orchestrator
