// OCP Test & Validation v2.0 output, written as things happen: one JSON
// object per line, each with a sequence number and a timestamp. End artifacts
// come from RAII: a TestRun or TestStep destroyed without end() emits an
// ERROR end, so a stream cut short by a crash shows where it stopped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kiln/measurement.hpp"
#include "kiln/outcome.hpp"

namespace kiln::ocptv {

enum class LogSeverity { kInfo, kDebug, kWarning, kError, kFatal };
std::string_view to_string(LogSeverity s);

struct HardwareInfo {
  std::string id;
  std::string name;
  std::string serial_number;
  std::string part_number;
  std::string manufacturer;
  std::string location;
  std::string version{};    // firmware
  std::string part_type{};  // "disk", "nic"
};
// A tested part as the dutInfo declares it (its id: catalog::hardware_info_id).
HardwareInfo hardware_info(const catalog::ComponentIdentity& part);

struct SoftwareInfo {
  std::string id;
  std::string name;
  std::string version;
  std::string type = "APPLICATION";  // UNSPECIFIED, FIRMWARE, SYSTEM, APPLICATION
};

struct DutInfo {
  std::string id;
  std::string name;
  std::vector<std::string> platform_infos;
  std::vector<HardwareInfo> hardware;
  std::vector<SoftwareInfo> software;
};
nlohmann::json to_json(const DutInfo& dut);

// Serialises artifacts and hands each line to a sink. Thread-safe.
class Writer {
 public:
  using Sink = std::function<void(const std::string& line)>;
  explicit Writer(Sink sink);
  // Emits {"sequenceNumber", "timestamp", <body>} as one line.
  void emit(nlohmann::json body);
  [[nodiscard]] std::uint64_t next_sequence() const;

 private:
  mutable std::mutex mu_;
  Sink sink_;
  std::uint64_t sequence_ = 0;
};

class TestStep {
 public:
  // `declared_hardware`: the hardwareInfoIds of the run's dutInfo; a
  // measurement or diagnosis of a part among them references it by id.
  TestStep(Writer& writer, std::string id, std::string name,
           const std::set<std::string>* declared_hardware = nullptr);
  ~TestStep();
  TestStep(const TestStep&) = delete;
  TestStep& operator=(const TestStep&) = delete;

  void measurement(const Measurement& m);
  void diagnosis(const Diagnosis& d);
  void log(LogSeverity severity, const std::string& message);
  void error(const std::string& symptom, const std::string& message);
  // Structured data OCPTV has no artifact for (kiln's firmware inventory):
  // {"extension": {"name", "content"}}; `content` must be an object.
  void extension(const std::string& name, const nlohmann::json& content);
  // Progress in percent, as a measurement series "progress" of this step.
  void progress(double percent);
  void end(RunStatus status);
  [[nodiscard]] const std::string& id() const { return id_; }

 private:
  void emit_step(nlohmann::json body);
  void reference_hardware(nlohmann::json& artifact,
                          const std::optional<catalog::ComponentIdentity>& part) const;
  Writer& writer_;
  std::string id_;
  const std::set<std::string>* declared_hardware_ = nullptr;
  bool ended_ = false;
  bool series_open_ = false;
  std::uint64_t series_index_ = 0;
};

class TestRun {
 public:
  TestRun(Writer& writer, const std::string& name, const std::string& version,
          const std::string& command_line, nlohmann::json parameters, const DutInfo& dut);
  ~TestRun();
  TestRun(const TestRun&) = delete;
  TestRun& operator=(const TestRun&) = delete;

  std::unique_ptr<TestStep> begin_step(const std::string& name);
  void log(LogSeverity severity, const std::string& message);
  void error(const std::string& symptom, const std::string& message);
  void end(const Outcome& outcome);

 private:
  Writer& writer_;
  bool ended_ = false;
  int next_step_ = 0;
  std::set<std::string> declared_hardware_;
};

// Emits the schemaVersion artifact; call first.
void emit_schema_version(Writer& writer);

}  // namespace kiln::ocptv
