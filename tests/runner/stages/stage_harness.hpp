// Runs one registered stage against a FakeHostAdapter and keeps what it
// reported, for the stage tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "kiln/catalog/measurements.hpp"
#include "kiln_test_paths.hpp"
#include "runner/fake_host.hpp"
#include "stage/stage.hpp"

namespace kiln::runner::testing {

// tests/data/<tool>/<name>, or a failed test and "" when missing.
inline std::string test_data(const std::string& tool, const std::string& name) {
  auto path = std::filesystem::path(KILN_TEST_DATA_DIR) / tool / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "missing test data file " << path;
    return {};
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct StageHarness {
  FakeHostAdapter host;
  ResolvedConfig config;
  RunOptions options;
  NodeIdentity node;
  StageRecord record;
  std::map<std::string, ParamValue> params;

  void param(const std::string& name, const std::string& text) {
    params[name] = ParamValue{text, {}, false, {}};
  }
  void list_param(const std::string& name, std::vector<std::string> list) {
    params[name] = ParamValue{{}, std::move(list), true, {}};
  }

  Outcome run(const std::string& stage_name) {
    register_builtin_stages();
    auto stage = StageRegistry::instance().create(stage_name);
    EXPECT_NE(stage, nullptr) << stage_name;
    if (stage == nullptr) return Outcome::error();
    return in_context(stage_name, stage->info().params, params,
                      [&stage](StageContext& ctx) { stage->run(ctx); });
  }

  // Every measurement a stage reports is declared in the catalog
  // (common/src/catalog/measurements_data.cpp), or the delivery analysis
  // cannot group it.
  void expect_declared_measurements() const {
    for (const auto& m : record.measurements) {
      EXPECT_NE(catalog::find_measurement(record.name, m.name), nullptr)
          << record.name << " reported measurement '" << m.name
          << "', which the catalog does not declare";
    }
  }

  // Calls `judge` with the context a stage named `stage_name` (without
  // parameters) would get: for a stage's judgement of a report made up by the test.
  template <class Judge>
  Outcome judge(const std::string& stage_name, Judge&& judge) {
    return in_context(stage_name, {}, {}, std::forward<Judge>(judge));
  }

  // Binds `given` to `specs`, calls `body` with the stage's context and
  // returns the outcome; every measurement reported must be declared.
  template <class Body>
  Outcome in_context(const std::string& stage_name, const std::vector<ParamSpec>& specs,
                     const std::map<std::string, ParamValue>& given, Body&& body) {
    auto bound = StageParams::bind(stage_name, specs, given);
    EXPECT_TRUE(bound.ok()) << (bound.ok() ? "" : bound.error().message);
    if (!bound) return Outcome::error();
    record.name = stage_name;
    StepRecorder step(record, nullptr);
    StageContext ctx{host, config, *bound, step, options, node, {}, nullptr};
    body(ctx);
    expect_declared_measurements();
    return step.outcome();
  }

  // Every diagnosis, error and log line, for substring checks.
  [[nodiscard]] std::string failures() const {
    std::string out;
    for (const auto& d : record.diagnoses) {
      if (d.type == DiagnosisType::kFail)
        out += d.verdict + " [" + d.component + "]: " + d.message + "\n";
    }
    return out;
  }
  [[nodiscard]] std::string errors() const {
    std::string out;
    for (const auto& e : record.errors) out += e.symptom + ": " + e.message + "\n";
    return out;
  }
  [[nodiscard]] std::string logs() const {
    std::string out;
    for (const auto& l : record.logs) out += l + "\n";
    return out;
  }
  [[nodiscard]] const Measurement* find_measurement(const std::string& name,
                                                    const std::string& component = {}) const {
    for (const auto& m : record.measurements) {
      if (m.name == name && (component.empty() || m.component.find(component) != std::string::npos))
        return &m;
    }
    return nullptr;
  }
};

}  // namespace kiln::runner::testing
