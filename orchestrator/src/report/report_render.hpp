// The delivery report body (delivery_report.hpp) as a printable HTML page
// (A4, one section per page, no external resource: fonts, styles and nothing
// else inline) and as CSV (one row per node x requirement, RFC 4180 quoting).
// Both come out unsigned; report_signing.hpp adds the signature line.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kiln::orchestrator {

// `key_id`: the key that will sign it, printed in the page's footer.
std::string render_report_html(const nlohmann::json& body, const std::string& key_id);
std::string render_report_csv(const nlohmann::json& body);

}  // namespace kiln::orchestrator
