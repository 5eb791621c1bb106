// Writing the decommission certificate at the end of a run: DIR/certificate.json
// (signed by the orchestrator, or locally with --signing-key, or unsigned)
// and DIR/certificate.html rendered from it.
#pragma once

#include <filesystem>
#include <string>

#include "kiln/expected.hpp"
#include "report/certificate_body.hpp"

namespace kiln::runner {

class OrchestratorReporter;

struct CertificateOutput {
  std::filesystem::path json_path;
  std::filesystem::path html_path;
  std::string signed_by;  // "orchestrator (key K)", "local key K (FILE)", or "" when unsigned
};

// `reporter` may be null (standalone); `signing_key` may be empty.
Expected<CertificateOutput> write_certificate(const RunRecord& run,
                                              const CertificateContext& context,
                                              const std::filesystem::path& out_dir,
                                              const std::string& signing_key,
                                              OrchestratorReporter* reporter);

}  // namespace kiln::runner
