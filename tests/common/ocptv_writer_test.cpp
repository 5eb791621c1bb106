#include "kiln/ocptv_writer.hpp"

#include <gtest/gtest.h>

namespace kiln::ocptv {
namespace {

class Captured {
 public:
  Writer::Sink sink() {
    return [this](const std::string& line) { lines_.push_back(nlohmann::json::parse(line)); };
  }
  const std::vector<nlohmann::json>& lines() const { return lines_; }

 private:
  std::vector<nlohmann::json> lines_;
};

DutInfo dut() {
  DutInfo d;
  d.id = "SN1";
  d.hardware.push_back({"fru-product", "server", "SN1", "", "", ""});
  return d;
}

TEST(OcptvWriter, SequenceNumbersAndTimestampsOnEveryLine) {
  Captured out;
  Writer w(out.sink());
  emit_schema_version(w);
  {
    TestRun run(w, "kiln", "0.1", "kiln-runner run", {}, dut());
    auto step = run.begin_step("disk");
    step->measurement(measure("bad_blocks", 0.0, "blocks", "disk S1",
                              {Limit{"limits.disk.bad_blocks_max", Comparison::kLessThanOrEqual, 0.0, {}}}));
    step->diagnosis({"disk-ok", DiagnosisType::kPass, "fine", "disk S1"});
    step->progress(50);
    step->end(RunStatus::kComplete);
    run.end(Outcome::pass());
  }
  const auto& l = out.lines();
  ASSERT_EQ(l.size(), 10U);
  for (std::size_t i = 0; i < l.size(); ++i) {
    EXPECT_EQ(l[i]["sequenceNumber"], i);
    EXPECT_TRUE(l[i]["timestamp"].get<std::string>().ends_with("Z"));
  }
  EXPECT_EQ(l[0]["schemaVersion"]["major"], 2);
  EXPECT_EQ(l[1]["testRunArtifact"]["testRunStart"]["dutInfo"]["dutInfoId"], "SN1");
  const auto& m = l[3]["testStepArtifact"]["measurement"];
  EXPECT_EQ(m["validators"][0]["type"], "LESS_THAN_OR_EQUAL");
  EXPECT_EQ(m["subcomponent"]["name"], "disk S1");
  EXPECT_EQ(l[5]["testStepArtifact"]["measurementSeriesStart"]["name"], "progress");
  EXPECT_EQ(l[7]["testStepArtifact"]["measurementSeriesEnd"]["totalCount"], 1);
  EXPECT_EQ(l[8]["testStepArtifact"]["testStepEnd"]["status"], "COMPLETE");
  EXPECT_EQ(l[9]["testRunArtifact"]["testRunEnd"]["result"], "PASS");
}

TEST(OcptvWriter, AbandonedStepAndRunEndAsErrorWhenDestroyed) {
  Captured out;
  Writer w(out.sink());
  {
    TestRun run(w, "kiln", "0.1", "", {}, dut());
    auto step = run.begin_step("memory");
    // Neither ended: an exception or early return unwinds them.
  }
  const auto& l = out.lines();
  ASSERT_GE(l.size(), 5U);
  EXPECT_EQ(l[2]["testStepArtifact"]["error"]["symptom"], "step-aborted");
  EXPECT_EQ(l[3]["testStepArtifact"]["testStepEnd"]["status"], "ERROR");
  EXPECT_EQ(l[4]["testRunArtifact"]["error"]["symptom"], "run-aborted");
  EXPECT_EQ(l.back()["testRunArtifact"]["testRunEnd"]["status"], "ERROR");
  EXPECT_EQ(l.back()["testRunArtifact"]["testRunEnd"]["result"], "NOT_APPLICABLE");
}

TEST(OcptvWriter, InvalidUtf8FromToolsDoesNotBreakTheStream) {
  std::vector<std::string> raw;
  Writer w([&raw](const std::string& line) { raw.push_back(line); });
  TestRun run(w, "kiln", "0.1", "", {}, dut());
  run.log(LogSeverity::kInfo, std::string("bad \xff\xfe bytes"));
  run.end(Outcome::pass());
  ASSERT_EQ(raw.size(), 3U);
  EXPECT_TRUE(nlohmann::json::accept(raw[1]));
}

// A tested part is declared in the dutInfo and referenced by id; a part the
// run did not declare is not referenced (the id would point nowhere).
TEST(OcptvWriter, MeasurementsAndDiagnosesReferenceTheirDeclaredPart) {
  catalog::ComponentIdentity disk{"disk", "sdb", "KILN-SATA", "S1", "1.0", "ATA port 2", {}};
  disk.device = "/dev/sdb";
  catalog::ComponentIdentity other{"disk", "sdc", "KILN-SATA", "S2", "1.0", "ATA port 3", {}};
  DutInfo d = dut();
  d.hardware.push_back(hardware_info(disk));
  Captured out;
  Writer w(out.sink());
  {
    TestRun run(w, "kiln", "0.1", "", {}, d);
    auto step = run.begin_step("disk");
    step->measurement(measure("bad_blocks", 0.0, "blocks", disk, {}));
    Diagnosis diag{"KILN-DISK-BAD-BLOCKS", DiagnosisType::kFail, "bad", catalog::label(disk)};
    diag.hardware = disk;
    step->diagnosis(diag);
    step->measurement(measure("bad_blocks", 0.0, "blocks", other, {}));
    step->end(RunStatus::kComplete);
    run.end(Outcome::fail());
  }
  const auto& l = out.lines();
  const auto& hw = l[0]["testRunArtifact"]["testRunStart"]["dutInfo"]["hardwareInfos"][1];
  EXPECT_EQ(hw["hardwareInfoId"], "disk-sdb");
  EXPECT_EQ(hw["name"], "disk S1 (/dev/sdb, ATA port 2)");
  EXPECT_EQ(hw["serialNumber"], "S1");
  EXPECT_EQ(hw["partNumber"], "KILN-SATA");
  EXPECT_EQ(hw["version"], "1.0");
  EXPECT_EQ(hw["location"], "ATA port 2");
  EXPECT_EQ(l[2]["testStepArtifact"]["measurement"]["hardwareInfoId"], "disk-sdb");
  EXPECT_EQ(l[3]["testStepArtifact"]["diagnosis"]["hardwareInfoId"], "disk-sdb");
  EXPECT_FALSE(l[4]["testStepArtifact"]["measurement"].contains("hardwareInfoId"));
}

}  // namespace
}  // namespace kiln::ocptv
