// The failure-code catalog: every code whole and unique, its template filled
// exactly (a missing or stray argument is an error, never silent text).
#include "kiln/catalog/failure_codes.hpp"

#include <gtest/gtest.h>

#include <set>

#include "kiln/catalog/component.hpp"
#include "kiln/catalog/stages.hpp"

namespace kiln::catalog {
namespace {

TEST(FailureCodes, EveryCodeIsWholeUniqueAndNamesItsPart) {
  std::set<std::string_view> ids;
  for (const auto& c : failure_codes()) {
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate " << c.id;
    EXPECT_TRUE(c.id.starts_with("KILN-")) << c.id;
    EXPECT_EQ(c.id.find_first_not_of("KILN-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
              std::string_view::npos)
        << c.id;
    if (!c.stage.empty()) {
      EXPECT_NE(find_stage(c.stage), nullptr) << c.id;
    }
    EXPECT_FALSE(c.remedy.empty()) << c.id;
    EXPECT_FALSE(c.message.empty()) << c.id;
    EXPECT_NE(c.message.back(), '.') << c.id << ": the remedy follows the message";
    if (c.component == "disk" || c.component == "nic") {
      EXPECT_TRUE(c.message.starts_with("{part}: ")) << c.id << " must name the exact part";
    }
    EXPECT_EQ(find_failure_code(c.id), &c);
  }
  EXPECT_EQ(find_failure_code("KILN-NO-SUCH-CODE"), nullptr);
}

TEST(FailureCodes, RendersTheTemplateThenTheRemedy) {
  const auto* code = find_failure_code("KILN-DISK-BAD-BLOCKS");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(placeholders(*code), (std::vector<std::string_view>{"part", "bad_blocks", "allowed"}));
  ComponentIdentity disk{"disk", "sda", "KILN-SATA", "KILN-SATA-BAD7", "1.0", "slot 3", {}};
  disk.device = "/dev/sda";
  std::vector<FailureArg> args{{"part", label(disk)},
                               {"bad_blocks", count_of(1, "bad block", "bad blocks")},
                               {"allowed", "0"}};
  auto text = render_failure(*code, args);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text,
            "disk KILN-SATA-BAD7 (/dev/sda, slot 3): badblocks found 1 bad block; the tender "
            "allows 0 \u2014 replace the disk");
  EXPECT_EQ(failure_line(code->id, *text), "KILN-DISK-BAD-BLOCKS: " + *text);
  EXPECT_EQ(count_of(3, "bad block", "bad blocks"), "3 bad blocks");
}

TEST(FailureCodes, AMissingOrStrayArgumentIsAnError) {
  const auto* code = find_failure_code("KILN-DISK-BAD-BLOCKS");
  ASSERT_NE(code, nullptr);
  std::vector<FailureArg> missing{{"part", "disk X"}, {"bad_blocks", "1 bad block"}};
  auto a = render_failure(*code, missing);
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("no value for {allowed}"), std::string::npos);
  std::vector<FailureArg> stray{
      {"part", "disk X"}, {"bad_blocks", "1"}, {"allowed", "0"}, {"blocks", "1"}};
  auto b = render_failure(*code, stray);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("has no {blocks}"), std::string::npos);
}

TEST(ComponentLabel, NamesDisksBySerialDeviceAndSlotAndNicsByMacAndPci) {
  ComponentIdentity disk{"disk", "nvme0n1", "M", "S466NX0M", "", "slot 3", {}};
  disk.device = "/dev/nvme0n1";
  EXPECT_EQ(label(disk), "disk S466NX0M (/dev/nvme0n1, slot 3)");
  EXPECT_EQ(hardware_info_id(disk), "disk-nvme0n1");
  ComponentIdentity loop{"disk", "loop3", "loop device", "", "", "", {}};
  EXPECT_EQ(label(loop), "disk /dev/loop3");
  ComponentIdentity nic{"nic", "eno1", "ice 8086:1592", "3c:ec:ef:00:00:01", "", "0000:3b:00.0",
                        25000};
  EXPECT_EQ(label(nic), "NIC eno1 (MAC 3c:ec:ef:00:00:01, PCI 0000:3b:00.0)");
  EXPECT_EQ(hardware_info_id(nic), "nic-eno1");
}

}  // namespace
}  // namespace kiln::catalog
