// The final kiln report (report.json; schema: results-schema/report.schema.json)
// and the verdict table printed at the end of a run.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "run/burnin_run.hpp"

namespace kiln::runner {

inline constexpr int kReportFormatVersion = 1;

nlohmann::json build_report(const RunRecord& run);
// The lines `stage` adds to report.json's "failures" (its FAIL diagnoses and
// the failed limits no diagnosis explains).
std::vector<std::string> stage_failure_lines(const StageRecord& stage);
std::string verdict_table(const RunRecord& run);

}  // namespace kiln::runner
