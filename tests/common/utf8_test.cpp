// UTF-8 checks for outside text: what nlohmann::json would refuse to dump is
// found (first_invalid_utf8) or replaced (valid_utf8).
#include "kiln/utf8.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kiln {
namespace {

TEST(Utf8, ValidTextIsKeptAsIs) {
  for (std::string_view ok : {"", "PO-2026-0042", "caf\xC3\xA9", "\xE2\x82\xAC 5",
                              "\xF0\x9F\x94\xA5", "\xEF\xBF\xBD", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_EQ(first_invalid_utf8(ok), std::string_view::npos) << ok;
    EXPECT_EQ(valid_utf8(ok), ok);
  }
}

TEST(Utf8, IllFormedSequencesAreFoundAndReplaced) {
  struct Case {
    std::string_view text;
    std::size_t first_bad;
  };
  for (auto [text, first_bad] : std::vector<Case>{
           {"X\xB2", 1},             // a Latin-1 "²" from a BMC's FRU
           {"PO-\xFF\xFF", 3},       // 0xFF padding
           {"\xC0\xAF", 0},          // overlong '/'
           {"\xE0\x80\xAF", 0},      // overlong, three bytes
           {"\xED\xA0\x80", 0},      // a UTF-16 surrogate
           {"\xF4\x90\x80\x80", 0},  // above U+10FFFF
           {"ok\xE2\x82", 2},        // cut short at the end
           {"\xC3(", 0},             // a lead byte without its continuation
       }) {
    EXPECT_EQ(first_invalid_utf8(text), first_bad) << text;
    const std::string fixed = valid_utf8(text);
    EXPECT_EQ(first_invalid_utf8(fixed), std::string_view::npos) << text;
    EXPECT_NO_THROW((void)nlohmann::json(fixed).dump()) << text;
  }
  EXPECT_EQ(valid_utf8("X\xB2"), "X\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("a\xFF\xFF"
                       "b"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
}

}  // namespace
}  // namespace kiln
