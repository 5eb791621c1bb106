// PeriodicTask: a tick that throws is a stage ERROR naming the task, once,
// and the task keeps ticking; a clean task reports nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "stage/tool_command.hpp"

namespace kiln::runner {
namespace {

using ::testing::HasSubstr;

TEST(PeriodicTask, AThrowingTickIsAStageErrorOnceAndTheTaskGoesOn) {
  StageRecord record;
  StepRecorder step(record, nullptr);
  std::atomic<int> ticks = 0;
  {
    PeriodicTask task(
        std::chrono::milliseconds(10),
        [&] {
          ++ticks;
          throw std::runtime_error("/sys/devices/system/edac/mc: Permission denied");
        },
        step, "the EDAC sampler");
    while (ticks < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(record.errors.size(), 1U);
  EXPECT_EQ(record.errors[0].symptom, "periodic-task-failed");
  EXPECT_THAT(record.errors[0].message,
              HasSubstr("the EDAC sampler failed: /sys/devices/system/edac/mc: Permission denied"));
  EXPECT_EQ(step.outcome(), Outcome::error());
}

TEST(PeriodicTask, ACleanTaskReportsNothing) {
  StageRecord record;
  StepRecorder step(record, nullptr);
  std::atomic<int> ticks = 0;
  {
    PeriodicTask task(std::chrono::milliseconds(10), [&] { ++ticks; }, step, "a sampler");
    while (ticks < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(record.errors.empty());
}

}  // namespace
}  // namespace kiln::runner
