// The final kiln report (report.json; schema: results-schema/report.schema.json)
// and the verdict table printed at the end of a run.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "run/burnin_run.hpp"

namespace kiln::runner {

inline constexpr int kReportFormatVersion = 1;

nlohmann::json build_report(const RunRecord& run);
std::string verdict_table(const RunRecord& run);

}  // namespace kiln::runner
