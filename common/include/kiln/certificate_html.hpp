// The decommission certificate as a self-contained, printable HTML page,
// rendered from the certificate JSON: a signed document {"certificate": BODY,
// "signature": {...}} or an unsigned one ({"certificate": BODY} or BODY
// itself). Every text from the document is HTML-escaped. Used by kiln-runner
// (DIR/certificate.html) and by the orchestrator to serve the same page.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kiln {

std::string render_certificate_html(const nlohmann::json& signed_or_unsigned_document);

// &, <, >, ", ' escaped.
std::string html_escape(std::string_view text);

}  // namespace kiln
