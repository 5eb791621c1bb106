// `ironic.method: clean`: a burn-in run as an Ironic manual cleaning with
// kiln's `kiln_burnin` step; kiln's image is the node's deploy ramdisk
// (driver_info deploy_kernel/deploy_ramdisk, a deploy interface with an agent
// such as `direct`) and kiln-runner agent speaks Ironic's agent API
// (docs/ironic-steps.md). The steps where it differs from the deploy method:
//   start     manageable (available: PUT manage first): a fresh token, its hash
//             stored, extra/kiln {state: cleaning, run_id}, PUT clean with
//             clean_steps [{interface: deploy, step: kiln_burnin, args:
//             {kiln_url, kiln_token}}] -> running (the agent streams the run to
//             this orchestrator with that token; Ironic gives it the node)
//   running   the cleaning ends: manageable or `clean failed` (and Ironic done
//             writing it: clean_step empty). With the run's
//             report -> judge (a PASS that Ironic failed -> fail); clean failed
//             without one (the agent died, a harness error before it could
//             report) -> an ERROR report quoting Ironic's last_error -> judge.
//             An abort (the operator's, or the runner timeout's) while the node
//             is in `clean wait` -> PUT abort, then as above (no report: abort)
//   release   after pass: PUT provide -> wait_released: available -> done
// judge, pass and fail are BurninDriver's: an ERROR is not retried (Ironic
// has failed the cleaning and set maintenance itself), FAIL keeps Ironic's own
// maintenance reason (kiln's words are in it) and adds kiln's trait and extra.
#pragma once

#include <optional>

#include "config/orchestrator_config.hpp"
#include "config/orchestrator_endpoint.hpp"
#include "ironic/driver_common.hpp"
#include "ironic/ironic_client.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

// The manual cleaning kiln asks Ironic for: [{interface: deploy, step:
// kiln_burnin, args: {kiln_url, kiln_token}}].
nlohmann::json kiln_clean_steps(const std::string& public_url, const std::string& token);

class CleanSteps {
 public:
  CleanSteps(RunStore& store, const OrchestratorEndpoint& endpoint, IronicClient& ironic)
      : store_(store), endpoint_(endpoint), ironic_(ironic) {}

  // The step for a burn-in run in its driver state, or nullopt where the
  // shared one applies.
  std::optional<Expected<StepResult>> step(const RunRow& run);

 private:
  Expected<StepResult> step_start(const RunRow& run);
  Expected<StepResult> step_running(const RunRow& run);
  Expected<StepResult> step_release(const RunRow& run, bool provided);
  Expected<StepResult> advance(const RunRow& run, const std::string& next);

  RunStore& store_;
  const OrchestratorEndpoint& endpoint_;
  IronicClient& ironic_;
};

}  // namespace kiln::orchestrator
