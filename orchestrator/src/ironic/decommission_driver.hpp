// The steps where a decommission run differs from a burn-in in Ironic (the
// rest — start, provide, deploy, running, abort, undeploy — is shared in
// BurninDriver, with kiln.mode=decommission on the kernel command line):
//   judge     PASS with a stored certificate that verifies against this
//             orchestrator's key and itself says PASS -> pass; anything else
//             -> fail. The runner posts the certificate right after its
//             report: a PASS without one waits up to
//             decommission.certificate_wait_s for it.
//   pass      extra/kiln {state: decommissioned, certificate...}, retired=true,
//             retired_reason naming the certificate, trait
//             CUSTOM_KILN_DECOMMISSIONED -> undeploy (shared: PUT "deleted")
//   wait_undeployed  manageable (Ironic's retirement after cleaning) -> next;
//             available (automated cleaning off) -> PUT "manage", wait again
//             next: delete (decommission.delete_node) -> DELETE node -> done
//   fail      extra/kiln {state: decommission-failed, reason}, maintenance
//             with the reason (first failure; no certificate; a certificate
//             that does not verify) -> done. ERROR is not retried.
#pragma once

#include <chrono>
#include <map>
#include <optional>

#include "config/orchestrator_config.hpp"
#include "config/orchestrator_endpoint.hpp"
#include "ironic/driver_common.hpp"
#include "ironic/ironic_client.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

// retired_reason: "kiln decommission certificate KEYID/RUN sha256 HEX".
std::string retired_reason(const CertificateRow& certificate);

class DecommissionSteps {
 public:
  DecommissionSteps(RunStore& store, const OrchestratorEndpoint& endpoint,
                    const IronicSettings& settings, IronicClient& ironic)
      : store_(store), endpoint_(endpoint), settings_(settings), ironic_(ironic) {}

  // The step for a decommission run in its driver state, or nullopt where the
  // burn-in step applies.
  std::optional<Expected<StepResult>> step(const RunRow& run);

  // Why a reported decommission run may not retire its node; nullopt: it may.
  std::optional<std::string> refusal(const RunRow& run);

 private:
  Expected<StepResult> step_judge(const RunRow& run);
  Expected<StepResult> step_pass(const RunRow& run);
  Expected<StepResult> step_fail(const RunRow& run);
  Expected<StepResult> step_wait_undeployed(const RunRow& run);
  Expected<StepResult> advance(const RunRow& run, const std::string& next);

  RunStore& store_;
  const OrchestratorEndpoint& endpoint_;
  const IronicSettings& settings_;
  IronicClient& ironic_;
  // When the judge first saw a PASS without its certificate (in memory: a
  // restart only waits longer).
  std::map<std::string, std::chrono::steady_clock::time_point> waiting_since_;
};

}  // namespace kiln::orchestrator
