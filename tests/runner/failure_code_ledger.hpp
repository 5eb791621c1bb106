// Failure codes the runner's unit tests produce, each with its message
// checked. expect_failure() checks the words of one FAIL diagnosis and notes
// its code; when the whole suite ran (no --gtest_filter), the suite fails if
// a code of the catalog that a runner stage or the report produces was never
// checked by any test.
#pragma once

#include <string>
#include <string_view>

#include "stage/step_recorder.hpp"

namespace kiln::runner::testing {

// The FAIL diagnosis with verdict `code` in `record` (the first one) has
// message `message` exactly; failures are reported at the caller's line.
void expect_failure(const StageRecord& record, std::string_view code, const std::string& message,
                    const char* file, int line);
// Notes that a test checked `code`'s words some other way (report.json).
void note_failure_checked(std::string_view code);

#define KILN_EXPECT_FAILURE(record, code, message) \
  ::kiln::runner::testing::expect_failure((record), (code), (message), __FILE__, __LINE__)

}  // namespace kiln::runner::testing
