// The orchestrator's API as the fuzz targets drive it: ApiService on a SQLite
// store in a temp dir (on /dev/shm when there is one, so commits cost no disk
// sync), the source tree's configs/, a signing key, one burn-in run and one
// decommission run registered with their tokens. Rebuilt from scratch every
// kResetEvery inputs so the store stays small and a finding replays alone.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "api/api_service.hpp"
#include "store/run_store.hpp"

namespace kiln::fuzz {

struct ApiRig {
  static constexpr int kResetEvery = 256;
  static constexpr const char* kOperatorToken = "kiln-fuzz-operator-token-0123456789";

  // The rig for the next input (rebuilt when due).
  static ApiRig& next();

  // What the fuzz input's placeholders stand for: $OPERATOR, $RUNNER and
  // $RUN (the burn-in run), $DRUNNER and $DRUN (the decommission run), $NODE.
  [[nodiscard]] std::string substitute(std::string text) const;

  // handle_async as the server calls it (artifact batches answered after the
  // group commit); checks the answer is one the server can send.
  orchestrator::ApiResponse call(const orchestrator::ApiRequest& request);

  std::string run_id, runner_token, decommission_run_id, decommission_token;

  ~ApiRig();

 private:
  ApiRig();
  std::filesystem::path dir_;
  std::unique_ptr<orchestrator::RunStore> store_;
  std::unique_ptr<orchestrator::ApiService> api_;
};

}  // namespace kiln::fuzz
