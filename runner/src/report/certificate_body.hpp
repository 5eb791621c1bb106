// The decommission certificate's body (schema:
// results-schema/certificate.schema.json), built from a finished run: node
// identity, what left the building (inventory serials), each disk's wipe and
// read-back, the BMC reset with its read-backs, operator, kiln version, run
// id, verdict. Signing happens elsewhere (kiln/signature.hpp, or the
// orchestrator).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "run/burnin_run.hpp"

namespace kiln::runner {

inline constexpr int kCertificateFormatVersion = 1;

struct CertificateContext {
  std::string operator_name;  // --operator, $KILN_OPERATOR or the orchestrator's
  std::string run_id;         // the orchestrator's run id when there is one, else the runner's
  std::string ironic_uuid;    // kiln.node
};

// Whether a run was a decommission (it ran disk-wipe or bmc-reset).
bool is_decommission_run(const RunRecord& run);

nlohmann::json build_certificate_body(const RunRecord& run, const CertificateContext& context);

}  // namespace kiln::runner
