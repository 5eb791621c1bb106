#include "kiln/ocptv_writer.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace kiln::ocptv {
namespace {

std::string rfc3339_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - secs).count();
  std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:06d}Z", buf, micros);
}

nlohmann::json subcomponent(const std::string& component) {
  return nlohmann::json{{"name", component}};
}

}  // namespace

std::string_view to_string(LogSeverity s) {
  switch (s) {
    case LogSeverity::kInfo: return "INFO";
    case LogSeverity::kDebug: return "DEBUG";
    case LogSeverity::kWarning: return "WARNING";
    case LogSeverity::kError: return "ERROR";
    case LogSeverity::kFatal: return "FATAL";
  }
  return "INFO";
}

HardwareInfo hardware_info(const catalog::ComponentIdentity& part) {
  HardwareInfo h;
  h.id = catalog::hardware_info_id(part);
  h.name = catalog::label(part);
  h.serial_number = part.serial;
  h.part_number = part.model;
  h.location = part.location.empty() ? part.device : part.location;
  h.version = part.firmware;
  h.part_type = part.kind;
  return h;
}

nlohmann::json to_json(const DutInfo& dut) {
  nlohmann::json j{{"dutInfoId", dut.id}};
  if (!dut.name.empty()) j["name"] = dut.name;
  if (!dut.platform_infos.empty()) {
    auto& arr = j["platformInfos"] = nlohmann::json::array();
    for (const auto& p : dut.platform_infos) arr.push_back({{"info", p}});
  }
  if (!dut.hardware.empty()) {
    auto& arr = j["hardwareInfos"] = nlohmann::json::array();
    for (const auto& h : dut.hardware) {
      nlohmann::json hj{{"hardwareInfoId", h.id}, {"name", h.name}};
      if (!h.serial_number.empty()) hj["serialNumber"] = h.serial_number;
      if (!h.part_number.empty()) hj["partNumber"] = h.part_number;
      if (!h.manufacturer.empty()) hj["manufacturer"] = h.manufacturer;
      if (!h.location.empty()) hj["location"] = h.location;
      if (!h.version.empty()) hj["version"] = h.version;
      if (!h.part_type.empty()) hj["partType"] = h.part_type;
      arr.push_back(std::move(hj));
    }
  }
  if (!dut.software.empty()) {
    auto& arr = j["softwareInfos"] = nlohmann::json::array();
    for (const auto& s : dut.software) {
      nlohmann::json sj{{"softwareInfoId", s.id}, {"name", s.name}, {"softwareType", s.type}};
      if (!s.version.empty()) sj["version"] = s.version;
      arr.push_back(std::move(sj));
    }
  }
  return j;
}

Writer::Writer(Sink sink) : sink_(std::move(sink)) {}

void Writer::emit(nlohmann::json body) {
  std::lock_guard lock(mu_);
  body["sequenceNumber"] = sequence_++;
  body["timestamp"] = rfc3339_now();
  // Invalid UTF-8 from a tool's output must not stop the stream.
  sink_(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::uint64_t Writer::next_sequence() const {
  std::lock_guard lock(mu_);
  return sequence_;
}

void emit_schema_version(Writer& writer) {
  writer.emit({{"schemaVersion", {{"major", 2}, {"minor", 0}}}});
}

TestStep::TestStep(Writer& writer, std::string id, std::string name,
                   const std::set<std::string>* declared_hardware)
    : writer_(writer), id_(std::move(id)), declared_hardware_(declared_hardware) {
  emit_step({{"testStepStart", {{"name", std::move(name)}}}});
}

TestStep::~TestStep() {
  if (!ended_) {
    error("step-aborted", "the step ended without reporting its end (kiln-runner stopped early)");
    end(RunStatus::kError);
  }
}

void TestStep::emit_step(nlohmann::json body) {
  body["testStepId"] = id_;
  writer_.emit({{"testStepArtifact", std::move(body)}});
}

void TestStep::reference_hardware(nlohmann::json& artifact,
                                  const std::optional<catalog::ComponentIdentity>& part) const {
  if (!part || declared_hardware_ == nullptr) return;
  std::string id = catalog::hardware_info_id(*part);
  if (declared_hardware_->contains(id)) artifact["hardwareInfoId"] = std::move(id);
}

void TestStep::measurement(const Measurement& m) {
  nlohmann::json mj{{"name", m.name}};
  kiln::to_json(mj["value"], m.value);
  if (!m.unit.empty()) mj["unit"] = m.unit;
  if (!m.component.empty()) mj["subcomponent"] = subcomponent(m.component);
  reference_hardware(mj, m.hardware);
  if (!m.checks.empty()) {
    auto& validators = mj["validators"] = nlohmann::json::array();
    for (const auto& c : m.checks) {
      nlohmann::json vj{{"name", c.limit.name}, {"type", to_string(c.limit.op)}};
      if (c.limit.op == Comparison::kInSet) {
        vj["value"] = fmt::format("{}", fmt::join(c.limit.set, ","));
      } else {
        kiln::to_json(vj["value"], c.limit.threshold);
      }
      validators.push_back(std::move(vj));
    }
  }
  emit_step({{"measurement", std::move(mj)}});
}

void TestStep::diagnosis(const Diagnosis& d) {
  const char* type = d.type == DiagnosisType::kPass   ? "PASS"
                     : d.type == DiagnosisType::kFail ? "FAIL"
                                                      : "UNKNOWN";
  nlohmann::json dj{{"verdict", d.verdict}, {"type", type}};
  if (!d.message.empty()) dj["message"] = d.message;
  if (!d.component.empty()) dj["subcomponent"] = subcomponent(d.component);
  reference_hardware(dj, d.hardware);
  emit_step({{"diagnosis", std::move(dj)}});
}

void TestStep::log(LogSeverity severity, const std::string& message) {
  emit_step({{"log", {{"severity", to_string(severity)}, {"message", message}}}});
}

void TestStep::error(const std::string& symptom, const std::string& message) {
  emit_step({{"error", {{"symptom", symptom}, {"message", message}}}});
}

void TestStep::extension(const std::string& name, const nlohmann::json& content) {
  emit_step({{"extension", {{"name", name}, {"content", content}}}});
}

void TestStep::progress(double percent) {
  std::string series_id = id_ + "-progress";
  if (!series_open_) {
    emit_step({{"measurementSeriesStart",
                {{"name", "progress"}, {"unit", "%"}, {"measurementSeriesId", series_id}}}});
    series_open_ = true;
  }
  emit_step({{"measurementSeriesElement",
              {{"index", series_index_++},
               {"value", percent},
               {"timestamp", rfc3339_now()},
               {"measurementSeriesId", series_id}}}});
}

void TestStep::end(RunStatus status) {
  if (ended_) return;
  if (series_open_) {
    emit_step({{"measurementSeriesEnd",
                {{"measurementSeriesId", id_ + "-progress"}, {"totalCount", series_index_}}}});
    series_open_ = false;
  }
  ended_ = true;
  emit_step({{"testStepEnd", {{"status", to_string(status)}}}});
}

TestRun::TestRun(Writer& writer, const std::string& name, const std::string& version,
                 const std::string& command_line, nlohmann::json parameters, const DutInfo& dut)
    : writer_(writer) {
  for (const auto& h : dut.hardware) declared_hardware_.insert(h.id);
  if (!parameters.is_object()) parameters = nlohmann::json::object();
  writer_.emit({{"testRunArtifact",
                 {{"testRunStart",
                   {{"name", name},
                    {"version", version},
                    {"commandLine", command_line},
                    {"parameters", std::move(parameters)},
                    {"dutInfo", to_json(dut)}}}}}});
}

TestRun::~TestRun() {
  if (!ended_) {
    error("run-aborted", "the run ended without reporting its end (kiln-runner stopped early)");
    end(Outcome::error());
  }
}

std::unique_ptr<TestStep> TestRun::begin_step(const std::string& name) {
  return std::make_unique<TestStep>(writer_, fmt::format("step{}", next_step_++), name,
                                    &declared_hardware_);
}

void TestRun::log(LogSeverity severity, const std::string& message) {
  writer_.emit({{"testRunArtifact",
                 {{"log", {{"severity", to_string(severity)}, {"message", message}}}}}});
}

void TestRun::error(const std::string& symptom, const std::string& message) {
  writer_.emit(
      {{"testRunArtifact", {{"error", {{"symptom", symptom}, {"message", message}}}}}});
}

void TestRun::end(const Outcome& outcome) {
  if (ended_) return;
  ended_ = true;
  writer_.emit({{"testRunArtifact",
                 {{"testRunEnd",
                   {{"status", to_string(outcome.status())},
                    {"result", to_string(outcome.result())}}}}}});
}

}  // namespace kiln::ocptv
