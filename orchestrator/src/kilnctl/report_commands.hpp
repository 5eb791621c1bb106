// kilnctl delivery report TAG [--format html|csv|json] -o FILE, and
// kilnctl delivery report verify FILE [--public-key PEM | --orchestrator URL].
#pragma once

#include <string>

#include "kilnctl/certificate_commands.hpp"

namespace kiln::orchestrator {

struct ReportGetOptions {
  std::string tag;
  std::string format = "html";  // html | csv | json
  std::string output;           // -o FILE ("" = stdout)
};

// Writes the signed report exactly as the orchestrator sent it (the signature
// covers those bytes). Exit 0 written, 1 refused, 2 usage/connection errors.
int delivery_report_get(const OrchestratorAccess& access, const ReportGetOptions& options);

// Exit 0 VALID, 1 INVALID (changed, other key), 2 not a signed report / unreadable.
int delivery_report_verify(const std::string& format, const CertificateVerifyOptions& options);

}  // namespace kiln::orchestrator
