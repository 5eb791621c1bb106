#include "stage/step_recorder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kiln::runner {

StepRecorder::StepRecorder(StageRecord& record, ocptv::TestStep* step, ProgressCallback progress)
    : record_(record), step_(step), progress_(std::move(progress)) {}

void StepRecorder::measurement(Measurement m) {
  std::lock_guard lock(mu_);
  if (step_ != nullptr) step_->measurement(m);
  record_.measurements.push_back(std::move(m));
}

void StepRecorder::diagnosis(Diagnosis d) {
  std::lock_guard lock(mu_);
  if (step_ != nullptr) step_->diagnosis(d);
  record_.diagnoses.push_back(std::move(d));
}

namespace {

// The code's words; {part} is the part's name where the template names it. A
// code or argument the catalog does not know is a kiln bug, shown in the
// message rather than hidden (the unit tests render every code).
std::string catalog_message(std::string_view code, std::vector<catalog::FailureArg> args,
                            const std::string& part) {
  const auto* declared = catalog::find_failure_code(code);
  if (declared == nullptr) return fmt::format("{} (failure code not in the catalog)", code);
  auto names = catalog::placeholders(*declared);
  if (std::find(names.begin(), names.end(), "part") != names.end()) args.push_back({"part", part});
  auto text = catalog::render_failure(*declared, args);
  return text ? *text : fmt::format("{} ({})", declared->message, text.error().message);
}

}  // namespace

void StepRecorder::fail(std::string_view code, std::vector<catalog::FailureArg> args,
                        const catalog::ComponentIdentity& part) {
  const std::string name = catalog::label(part);
  Diagnosis d{std::string(code), DiagnosisType::kFail, catalog_message(code, std::move(args), name),
              name};
  d.hardware = part;
  diagnosis(std::move(d));
}

void StepRecorder::fail(std::string_view code, std::vector<catalog::FailureArg> args,
                        std::string component) {
  std::string message = catalog_message(code, std::move(args), component);
  diagnosis({std::string(code), DiagnosisType::kFail, std::move(message), std::move(component)});
}

void StepRecorder::fail(std::string_view code, std::vector<catalog::FailureArg> args) {
  diagnosis(
      {std::string(code), DiagnosisType::kFail, catalog_message(code, std::move(args), {}), {}});
}

void StepRecorder::pass(std::string verdict, std::string message, std::string component) {
  diagnosis({std::move(verdict), DiagnosisType::kPass, std::move(message), std::move(component)});
}

void StepRecorder::log(ocptv::LogSeverity severity, std::string message) {
  std::lock_guard lock(mu_);
  if (step_ != nullptr) step_->log(severity, message);
  record_.logs.push_back(std::move(message));
}

void StepRecorder::error(std::string symptom, std::string message) {
  std::lock_guard lock(mu_);
  if (step_ != nullptr) step_->error(symptom, message);
  record_.errors.push_back({std::move(symptom), std::move(message)});
}

void StepRecorder::skip(std::string reason) {
  std::lock_guard lock(mu_);
  if (step_ != nullptr) step_->log(ocptv::LogSeverity::kInfo, "skipped: " + reason);
  record_.skip_reason = std::move(reason);
}

void StepRecorder::tool_version(std::string tool, std::string version) {
  std::lock_guard lock(mu_);
  record_.tool_versions[std::move(tool)] = std::move(version);
}

void StepRecorder::evidence(const std::string& key, nlohmann::json value) {
  std::lock_guard lock(mu_);
  record_.evidence[key] = std::move(value);
}

void StepRecorder::append_evidence(const std::string& key, nlohmann::json value) {
  std::lock_guard lock(mu_);
  auto& slot = record_.evidence[key];
  if (!slot.is_array()) slot = nlohmann::json::array();
  slot.push_back(std::move(value));
}

void StepRecorder::extension(const std::string& name, nlohmann::json content) {
  std::lock_guard lock(mu_);
  if (step_ != nullptr) step_->extension(name, content);
  record_.extensions[name] = std::move(content);
}

void StepRecorder::progress(double fraction, const std::string& detail) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  {
    std::lock_guard lock(mu_);
    // At most one artifact per whole percent, so long stages do not flood.
    double percent = std::floor(fraction * 100.0);
    if (percent <= last_progress_ && fraction < 1.0) {
      if (progress_) progress_(record_.name, fraction, detail);
      return;
    }
    last_progress_ = percent;
    if (step_ != nullptr) step_->progress(percent);
  }
  if (progress_) progress_(record_.name, fraction, detail);
}

Outcome StepRecorder::outcome() const {
  std::lock_guard lock(mu_);
  bool failed = std::any_of(record_.diagnoses.begin(), record_.diagnoses.end(),
                            [](const Diagnosis& d) { return d.type == DiagnosisType::kFail; }) ||
                std::any_of(record_.measurements.begin(), record_.measurements.end(),
                            [](const Measurement& m) { return !m.passed(); });
  if (failed) return Outcome::fail();
  if (!record_.errors.empty()) return Outcome::error();
  if (!record_.skip_reason.empty() && record_.measurements.empty() && record_.diagnoses.empty()) {
    return Outcome::skip();
  }
  return Outcome::pass();
}

}  // namespace kiln::runner
