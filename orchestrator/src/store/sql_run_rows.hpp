// Runs as SQL rows: what SqlRunStore's files share (sql_run_queries.cpp).
#pragma once

#include <string>
#include <vector>

#include "store/run_store.hpp"
#include "store/sql_connection.hpp"

namespace kiln::orchestrator {

// INSERT of a whole runs row; its values in order are run_values().
extern const char* const kInsertRun;
// A nodes row (uuid, asset_tag, serial, dmi_serial, macs, updated_at).
NodeRecord node_from(const SqlRow& row);
// `run`'s values for kInsertRun, created_at and updated_at `now`.
std::vector<SqlValue> run_values(const RunRow& run, const std::string& now);
// What the run lists show of a report (RunRow::report_summary): its
// "failures" and each stage's name and verdict, as JSON text ("{}" for a
// report without them).
std::string report_summary_of(const std::string& report);

}  // namespace kiln::orchestrator
