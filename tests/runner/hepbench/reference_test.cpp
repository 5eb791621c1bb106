#include "kiln_test_paths.hpp"
#include "hepbench/reference.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hepbench/workload.hpp"

namespace kiln::hepbench {
namespace {

using ::testing::HasSubstr;

constexpr const char* kValid = R"(machine: "test box"
kiln_version: "0.1.0"
measured_with: "2 copies, 30 s per workload"
events_per_second_per_copy:
  particle_transport: 220.5
  track_fit: 6500
  hit_clustering: 900
  event_compression: 380
  histogram_fill: 29000
)";

std::string with_line_replaced(const std::string& from, const std::string& to) {
  std::string text = kValid;
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(HepbenchReference, LoadsAValidFile) {
  auto ref = load_reference(kValid);
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->machine, "test box");
  EXPECT_EQ(ref->kiln_version, "0.1.0");
  EXPECT_EQ(ref->measured_with, "2 copies, 30 s per workload");
  EXPECT_EQ(ref->events_per_second.size(), workload_kinds().size());
  EXPECT_DOUBLE_EQ(ref->events_per_second.find("particle_transport")->second, 220.5);
}

TEST(HepbenchReference, UnknownWorkloadIsNamedWithItsLine) {
  auto ref =
      load_reference(with_line_replaced("  track_fit: 6500", "  trak_fit: 6500"), "ref.yaml");
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.error().code, "KILN-HEPBENCH-REFERENCE");
  EXPECT_THAT(ref.error().message, HasSubstr("ref.yaml:6: unknown workload 'trak_fit'"));
  EXPECT_THAT(ref.error().message, HasSubstr("known: particle_transport, track_fit"));
  EXPECT_FALSE(ref.error().remedy.empty());
}

TEST(HepbenchReference, MissingWorkloadIsNamed) {
  auto ref = load_reference(with_line_replaced("  hit_clustering: 900\n", ""));
  ASSERT_FALSE(ref.ok());
  EXPECT_THAT(ref.error().message,
              HasSubstr("no reference events/s for workload 'hit_clustering'"));
}

TEST(HepbenchReference, BadValuesAndKeys) {
  const std::pair<std::string, std::string> cases[] = {
      {"  track_fit: 6500", "  track_fit: fast"},
      {"  track_fit: 6500", "  track_fit: -3"},
      {"  track_fit: 6500", "  track_fit: 0"},
      {"  track_fit: 6500", "  track_fit: [1, 2]"},
      {"  track_fit: 6500", "  track_fit: 6500\n  track_fit: 6400"},
      {"machine: \"test box\"\n", ""},
      {"kiln_version: \"0.1.0\"\n", ""},
      {"machine: \"test box\"", "machine: \"test box\"\nscale: 100"},
  };
  for (const auto& [from, to] : cases) {
    auto ref = load_reference(with_line_replaced(from, to));
    EXPECT_FALSE(ref.ok()) << to;
    if (!ref.ok()) {
      EXPECT_EQ(ref.error().code, "KILN-HEPBENCH-REFERENCE") << to;
    }
  }
}

TEST(HepbenchReference, NotYamlOrNotAMappingIsAnErrorNotAnException) {
  for (const char* text :
       {"", "[1, 2", "just text", "- a\n- b\n", "events_per_second_per_copy: 3"}) {
    auto ref = load_reference(text);
    EXPECT_FALSE(ref.ok()) << text;
  }
}

TEST(HepbenchReference, TheShippedReferenceLoads) {
  std::ifstream file(std::string(KILN_SOURCE_DIR) + "/configs/hepbench-reference.yaml");
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  auto ref = load_reference(text.str(), "configs/hepbench-reference.yaml");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_FALSE(ref->machine.empty());
}

}  // namespace
}  // namespace kiln::hepbench
