// A stage is declared in the catalog (name, description, typed parameters
// with defaults, whether it is destructive) and registered here by name. It runs real tools
// through the host adapter, parses, judges against the delivery's limits and
// reports through its StepRecorder.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/host_adapter.hpp"
#include "kiln/catalog/component.hpp"
#include "kiln/config.hpp"
#include "kiln/fru.hpp"
#include "stage/stage_params.hpp"
#include "stage/step_recorder.hpp"

namespace kiln::runner {

struct StageInfo {
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
  bool destructive = false;
};

// The catalog's declaration of stage `name` (common/src/catalog/stages*.cpp):
// description, parameters (embedded ones included, in order) and whether it
// destroys data. Every stage's info() is this, so a stage or parameter is
// declared in one place; an unknown name gives an info without parameters
// (the StageCatalog test fails on it).
StageInfo catalog_stage_info(std::string_view name);

// What the run knows that stages may need.
struct RunOptions {
  std::vector<std::string> disks;      // --disk: target block devices
  bool destructive_confirmed = false;  // --i-know-this-wipes or orchestrator go-ahead
  // Decommission (disk-wipe, bmc-reset): only when the run is in decommission
  // mode AND confirmed for this run (standalone: --decommission with
  // --i-know-this-wipes; with an orchestrator: its registration directive
  // mode "decommission" with decommission_go_ahead). See decommission_gate.hpp.
  std::string mode = "burnin";  // --mode burnin|decommission (kiln.mode)
  bool decommission_confirmed = false;
  std::string decommission_refusal;  // why not confirmed, for the stages' errors
  std::string operator_name;         // --operator, $KILN_OPERATOR or the orchestrator's
  std::string bmc_host;              // "" = in-band; "HOST:PORT" for lanplus
  std::string bmc_user;
  std::string bmc_password;
  std::filesystem::path out_dir;
  std::filesystem::path config_dir;  // where profiles/, deliveries/, hepbench-reference.yaml live
};

// Who the machine says it is: FRU from the BMC, system identity from DMI.
struct NodeIdentity {
  FruInfo fru;
  std::string dmi_system_serial;
  std::string dmi_manufacturer;
  std::string dmi_product;
  std::string dmi_error;  // why DMI could not be read, when it could not
};

struct StageContext {
  HostAdapter& host;
  const ResolvedConfig& config;
  const StageParams& params;
  StepRecorder& step;
  const RunOptions& options;
  const NodeIdentity& node;
  std::filesystem::path log_dir;            // per-stage tool logs go here
  const std::atomic<bool>* stop = nullptr;  // set when the run is aborted
};

class Stage {
 public:
  virtual ~Stage() = default;
  [[nodiscard]] virtual const StageInfo& info() const = 0;
  // Reports everything through ctx.step; the outcome is derived from what was
  // reported (an error() makes it ERROR, a FAIL diagnosis makes it FAIL).
  virtual void run(StageContext& ctx) = 0;
  // The parts the stage will test (disks, NICs), as the run declares them in
  // the OCPTV dutInfo before any stage starts, so measurements and diagnoses
  // reference them by hardwareInfoId. Reads sysfs only; runs no tool.
  virtual std::vector<catalog::ComponentIdentity> components(HostAdapter& /*host*/,
                                                             const StageParams& /*params*/,
                                                             const RunOptions& /*options*/) {
    return {};
  }
};

using StageFactory = std::function<std::unique_ptr<Stage>()>;

class StageRegistry {
 public:
  static StageRegistry& instance();
  void add(StageFactory factory);
  [[nodiscard]] std::unique_ptr<Stage> create(const std::string& name) const;
  [[nodiscard]] std::vector<StageInfo> list() const;

 private:
  std::map<std::string, StageFactory> factories_;
};

// Registers every built-in stage; called once by main and by tests.
void register_builtin_stages();

}  // namespace kiln::runner
