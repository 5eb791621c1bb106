// Plan-time checks of profile values against the catalog's declarations.
#include "kiln/catalog/param_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln::catalog {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

StageEntry entry(std::string stage, std::string name, std::string value, int line = 7) {
  StageEntry e{std::move(stage), {}, {"p.yaml", 3}};
  e.params[name] = ParamValue{std::move(value), {}, false, {"p.yaml", line}};
  return e;
}

StageEntry list_entry(std::string stage, std::string name, std::vector<std::string> items) {
  StageEntry e{std::move(stage), {}, {"p.yaml", 3}};
  e.params[name] = ParamValue{"", std::move(items), true, {"p.yaml", 9}};
  return e;
}

TEST(ParamCheck, MisspelledChoiceNamesFileLineAndTheChoices) {
  auto problems = stage_entry_problems(entry("disk", "mode", "wirte"));
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0],
            "p.yaml:7: parameter 'mode' of stage 'disk': 'wirte' is not one of: readonly, "
            "nondestructive, write");
  EXPECT_THAT(stage_entry_problems(entry("disk", "selftest", "sometimes"))[0],
              HasSubstr("'sometimes' is not one of: none, short, long"));
}

TEST(ParamCheck, EveryDefaultPassesItsOwnDeclaration) {
  for (const auto& stage : stages()) {
    for (const auto& spec : stage_params(stage.name)) {
      std::vector<std::string> items;
      if (spec.type != ParamType::kStringList) {
        items.push_back(spec.default_value);
      } else {
        std::string rest = spec.default_value;
        for (auto comma = rest.find(','); !rest.empty(); comma = rest.find(',')) {
          items.push_back(rest.substr(0, comma));
          rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
        }
      }
      for (const auto& item : items) {
        EXPECT_EQ(value_problem(spec, item), "") << stage.name << "." << spec.name;
      }
    }
  }
}

TEST(ParamCheck, FormsAndPrefixes) {
  EXPECT_THAT(stage_entry_problems(entry("benchmark", "length", "box=30s")), IsEmpty());
  EXPECT_THAT(stage_entry_problems(entry("benchmark", "length", "box=soon"))[0],
              HasSubstr("is not one of: quick, standard, box=<duration>"));
  EXPECT_THAT(stage_entry_problems(entry("benchmark", "copies", "12")), IsEmpty());
  EXPECT_THAT(stage_entry_problems(entry("benchmark", "copies", "0"))[0],
              HasSubstr("0 is out of range: at least 1"));
  EXPECT_THAT(stage_entry_problems(entry("disk-wipe", "pattern", "hex:00ff")), IsEmpty());
  EXPECT_THAT(stage_entry_problems(entry("disk-wipe", "pattern", "hex:zz")), testing::SizeIs(1));
  EXPECT_THAT(stage_entry_problems(entry("disk-perf", "size", "10G")), IsEmpty());
  EXPECT_THAT(stage_entry_problems(entry("disk-perf", "size", "")), IsEmpty());
}

TEST(ParamCheck, ListItemsAreCheckedOneByOne) {
  EXPECT_THAT(stage_entry_problems(list_entry("network", "tests", {"tcp", "udp"})), IsEmpty());
  auto problems = stage_entry_problems(list_entry("network", "tests", {"tcp", "icmp"}));
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_THAT(problems[0], HasSubstr("p.yaml:9: parameter 'tests' of stage 'network': 'icmp'"));
  EXPECT_THAT(stage_entry_problems(list_entry("memory", "engine", {"memtester"}))[0],
              HasSubstr("is not one of: stress-ng, kiln"));
}

TEST(ParamCheck, RangesAndTypes) {
  EXPECT_THAT(stage_entry_problems(entry("disk-wipe", "io_size_kib", "1"))[0],
              HasSubstr("1 is out of range: from 4 to 65536 KiB"));
  EXPECT_THAT(stage_entry_problems(entry("memory", "share_percent", "150"))[0],
              HasSubstr("150 is out of range: from 1 to 100 %"));
  EXPECT_THAT(stage_entry_problems(entry("cpu", "duration", "0s"))[0],
              HasSubstr("0s is out of range: at least 1 s"));
  EXPECT_THAT(stage_entry_problems(entry("disk", "passes", "two"))[0],
              HasSubstr("expected a whole number, got 'two'"));
}

TEST(ParamCheck, EmbeddedParametersCarryTheirPrefix) {
  EXPECT_THAT(stage_entry_problems(entry("memory", "memtest_isa", "avx2")), IsEmpty());
  EXPECT_THAT(stage_entry_problems(entry("memory", "memtest_isa", "neon"))[0],
              HasSubstr("'neon' is not one of: auto, avx2, sse2, scalar"));
  EXPECT_THAT(stage_entry_problems(entry("memtest", "memtest_isa", "avx2"))[0],
              HasSubstr("unknown parameter 'memtest_isa' for stage 'memtest'"));
}

TEST(ParamCheck, UnknownStageAndEveryProblemOfAProfile) {
  Profile p{
      "q",
      "",
      {entry("disk", "mode", "wirte", 5), entry("cpu", "workers", "-1", 8), entry("gpu", "x", "1")},
      {"p.yaml", 1}};
  auto status = check_profile(p);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("p.yaml:5: parameter 'mode'"));
  EXPECT_THAT(status.error().message, HasSubstr("p.yaml:8: parameter 'workers'"));
  EXPECT_THAT(status.error().message, HasSubstr("p.yaml:3: unknown stage 'gpu'"));
}

}  // namespace
}  // namespace kiln::catalog
