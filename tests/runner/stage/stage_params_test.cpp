#include "stage/stage_params.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln::runner {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

const std::vector<ParamSpec> kSpecs = {
    {"duration", ParamType::kDuration, "30s", ""},
    {"passes", ParamType::kInt, "1", ""},
    {"share", ParamType::kDouble, "0.9", ""},
    {"verify", ParamType::kBool, "true", ""},
    {"mode", ParamType::kString, "nondestructive", ""},
    {"methods", ParamType::kStringList, "all,flip", ""},
};

ParamValue text(std::string v, int line = 7) { return ParamValue{std::move(v), {}, false, {"quick.yaml", line}}; }

TEST(ParseDuration, Units) {
  EXPECT_EQ(*parse_duration("500ms"), 500ms);
  EXPECT_EQ(*parse_duration("90s"), 90s);
  EXPECT_EQ(*parse_duration("15m"), 15min);
  EXPECT_EQ(*parse_duration("2h"), 2h);
  EXPECT_EQ(*parse_duration("1d"), 24h);
  EXPECT_EQ(*parse_duration("2.5"), 2500ms);
  EXPECT_FALSE(parse_duration("ten minutes").ok());
  EXPECT_FALSE(parse_duration("-5s").ok());
  EXPECT_FALSE(parse_duration("").ok());
}

TEST(StageParams, DefaultsAndGivenValues) {
  auto p = StageParams::bind("memory", kSpecs, {{"passes", text("3")}, {"duration", text("2m")}});
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->get_int("passes"), 3);
  EXPECT_EQ(p->get_duration("duration"), 2min);
  EXPECT_DOUBLE_EQ(p->get_double("share"), 0.9);
  EXPECT_TRUE(p->get_bool("verify"));
  EXPECT_EQ(p->get_string("mode"), "nondestructive");
  EXPECT_EQ(p->get_list("methods"), (std::vector<std::string>{"all", "flip"}));
  EXPECT_EQ(p->as_text().at("passes"), "3");
}

TEST(StageParams, UnknownParameterNamesFileLineAndKnownOnes) {
  auto p = StageParams::bind("memory", kSpecs, {{"durration", text("2m", 12)}});
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.error().message, HasSubstr("quick.yaml:12: unknown parameter 'durration' for stage 'memory'"));
  EXPECT_THAT(p.error().message, HasSubstr("duration, passes"));
}

TEST(StageParams, WrongTypes) {
  EXPECT_THAT(StageParams::bind("m", kSpecs, {{"passes", text("two")}}).error().message,
              HasSubstr("quick.yaml:7: parameter 'passes' of stage 'm': expected a whole number, got 'two'"));
  EXPECT_THAT(StageParams::bind("m", kSpecs, {{"verify", text("yes")}}).error().message,
              HasSubstr("true or false"));
  EXPECT_THAT(StageParams::bind("m", kSpecs, {{"duration", text("soon")}}).error().message,
              HasSubstr("not a duration"));
  ParamValue list{"", {"a"}, true, {"quick.yaml", 9}};
  EXPECT_THAT(StageParams::bind("m", kSpecs, {{"passes", list}}).error().message, HasSubstr("must be a int"));
  EXPECT_THAT(StageParams::bind("m", kSpecs, {{"methods", text("all")}}).error().message,
              HasSubstr("must be a list"));
}

}  // namespace
}  // namespace kiln::runner
