#include "runner/failure_code_ledger.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "kiln/catalog/failure_codes.hpp"

namespace kiln::runner::testing {
namespace {

std::mutex& ledger_mutex() {
  static std::mutex mu;
  return mu;
}

std::set<std::string>& checked_codes() {
  static std::set<std::string> codes;
  return codes;
}

// After the whole suite: every catalogued code was produced and its words checked.
class EveryCodeChecked : public ::testing::Environment {
 public:
  void TearDown() override {
    if (::testing::GTEST_FLAG(filter) != "*") return;  // a subset ran: nothing to conclude
    std::lock_guard lock(ledger_mutex());
    for (const auto& code : catalog::failure_codes()) {
      EXPECT_TRUE(checked_codes().contains(std::string(code.id)))
          << "failure code " << code.id << " (stage '" << code.stage
          << "') is produced by no unit test that checks its message";
    }
  }
};

[[maybe_unused]] auto* const kRegistered =
    ::testing::AddGlobalTestEnvironment(new EveryCodeChecked);  // gtest owns it

}  // namespace

void note_failure_checked(std::string_view code) {
  std::lock_guard lock(ledger_mutex());
  checked_codes().emplace(code);
}

void expect_failure(const StageRecord& record, std::string_view code, const std::string& message,
                    const char* file, int line) {
  ::testing::ScopedTrace trace(file, line, std::string("expect_failure ") + std::string(code));
  EXPECT_NE(catalog::find_failure_code(code), nullptr) << code << " is not in the catalog";
  for (const auto& d : record.diagnoses) {
    if (d.type != DiagnosisType::kFail || d.verdict != code) continue;
    EXPECT_EQ(d.message, message);
    note_failure_checked(code);
    return;
  }
  std::string seen;
  for (const auto& d : record.diagnoses) seen += "\n  " + d.verdict + ": " + d.message;
  ADD_FAILURE() << "no FAIL diagnosis " << code << "; diagnoses:" << seen;
}

}  // namespace kiln::runner::testing
