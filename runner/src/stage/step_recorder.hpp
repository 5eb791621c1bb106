// What a stage reports: measurements (with the limits they were judged
// against), diagnoses, logs, errors, progress. Each call is emitted to the
// OCPTV stream at once and kept for the final report.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kiln/catalog/failure_codes.hpp"
#include "kiln/measurement.hpp"
#include "kiln/ocptv_writer.hpp"
#include "kiln/outcome.hpp"

namespace kiln::runner {

struct StageError {
  std::string symptom;  // stable code, e.g. "tool-timeout", "tool-output-unparseable"
  std::string message;
};

// Everything a stage reported, for the report.
struct StageRecord {
  std::string name;
  std::string description;
  std::map<std::string, std::string> params;
  std::vector<Measurement> measurements;
  std::vector<Diagnosis> diagnoses;
  std::vector<StageError> errors;
  std::vector<std::string> logs;
  std::string skip_reason;
  std::map<std::string, std::string> tool_versions;
  // Structured facts for documents built after the run (the decommission
  // certificate): e.g. {"disks": [...]} from disk-wipe. Not in the report.
  nlohmann::json evidence = nlohmann::json::object();
  // OCPTV extension artifacts by name ("kiln.firmware"), as streamed; the
  // report takes what it knows from here.
  nlohmann::json extensions = nlohmann::json::object();
  std::chrono::system_clock::time_point started;
  std::chrono::system_clock::time_point ended;
  Outcome outcome = Outcome::skip();
  // A stage an earlier boot of this run finished (docs/reboots.md): not run
  // again; its report lines come from that boot.
  bool finished_on_earlier_boot = false;
  std::vector<std::string> earlier_failures;
};

// Called on progress updates: fraction 0..1 and a short detail.
using ProgressCallback =
    std::function<void(const std::string& stage, double fraction, const std::string& detail)>;

// Thread-safe: a stage that tests several disks in parallel reports from
// several threads.
class StepRecorder {
 public:
  // `step` may be null (unit tests that only look at the record).
  StepRecorder(StageRecord& record, ocptv::TestStep* step, ProgressCallback progress = {});

  void measurement(Measurement m);
  void diagnosis(Diagnosis d);
  // A PASS diagnosis (FAILs come only from the catalog, below).
  void pass(std::string verdict, std::string message, std::string component = {});
  // A FAIL from the failure-code catalog (common/src/catalog/failure_codes_data.cpp):
  // verdict = the code, message = its template filled from `args` ({part} is
  // the part's label) and its remedy; the diagnosis references `part`.
  void fail(std::string_view code, std::vector<catalog::FailureArg> args,
            const catalog::ComponentIdentity& part);
  void fail(std::string_view code, std::vector<catalog::FailureArg> args);
  // The same, naming a part kiln has no hardware identity for ("DIMM DIMM_B1 (mc0/dimm1)").
  void fail(std::string_view code, std::vector<catalog::FailureArg> args, std::string component);
  void log(ocptv::LogSeverity severity, std::string message);
  void info(std::string message) { log(ocptv::LogSeverity::kInfo, std::move(message)); }
  // A harness problem (tool crashed, hung, printed garbage): the stage ends ERROR.
  void error(std::string symptom, std::string message);
  // The stage does not apply (no disks to test...): SKIP unless something else was reported.
  void skip(std::string reason);
  void tool_version(std::string tool, std::string version);
  // Sets evidence[key] / appends to the array evidence[key].
  void evidence(const std::string& key, nlohmann::json value);
  void append_evidence(const std::string& key, nlohmann::json value);
  // Streams an OCPTV extension artifact and keeps it as extensions[name].
  void extension(const std::string& name, nlohmann::json content);
  void progress(double fraction, const std::string& detail);

  // COMPLETE/FAIL if any FAIL diagnosis or failed limit check; else ERROR if
  // any error; else SKIP if skipped with nothing measured; else COMPLETE/PASS.
  [[nodiscard]] Outcome outcome() const;
  [[nodiscard]] const StageRecord& record() const { return record_; }

 private:
  mutable std::mutex mu_;
  StageRecord& record_;
  ocptv::TestStep* step_;
  ProgressCallback progress_;
  double last_progress_ = -1.0;
};

}  // namespace kiln::runner
