#include "agent/log_archive.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <fstream>

namespace kiln::runner::agent {
namespace {

std::string gunzip(const std::string& gz) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST(LogArchive, UstarMembersRoundTrip) {
  std::string long_name = "kiln/" + std::string(120, 'd') + "/report.json";
  auto tar =
      tar_archive({{"kiln/agent.log", "hello\n"}, {long_name, std::string(700, 'x')}}, 1700000000);
  ASSERT_TRUE(tar.ok()) << tar.error().message;
  ASSERT_EQ(tar->size() % 512, 0U);
  auto text = gunzip(*gzip_compress(*tar));
  ASSERT_EQ(text, *tar);
  EXPECT_EQ(std::string(text.data(), 14), "kiln/agent.log");
  EXPECT_EQ(std::string(text.data() + 257, 5), "ustar");
  EXPECT_EQ(std::string(text.data() + 124, 11), "00000000006");
  unsigned sum = 0;
  for (int i = 0; i < 512; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(text[i]);
  EXPECT_EQ(std::strtoul(text.data() + 148, nullptr, 8), sum) << "header checksum";
  // The long name is split into prefix and name.
  EXPECT_EQ(std::string(text.data() + 1024), "report.json");
  EXPECT_EQ(std::string(text.data() + 1024 + 345), "kiln/" + std::string(120, 'd'));
  EXPECT_FALSE(tar_archive({{std::string(300, 'n'), ""}}, 0).ok());
}

TEST(LogArchive, Base64) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("kiln"), "a2lsbg==");
  EXPECT_EQ(base64_encode("kil"), "a2ls");
}

TEST(LogArchive, CollectBoundsTheSize) {
  auto root =
      std::filesystem::temp_directory_path() / ("kiln-archive-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "run-1");
  std::ofstream(root / "agent.log") << "line\n";
  std::ofstream(root / "run-1" / "big.log") << std::string(5000, 'b');
  auto files = collect_files(root, "kiln", 1000);
  std::filesystem::remove_all(root);
  ASSERT_EQ(files.size(), 2U);
  EXPECT_EQ(files[0].name, "kiln/LEFT-OUT.txt");
  EXPECT_NE(files[0].data.find("kiln/run-1/big.log (5000 bytes)"), std::string::npos);
  EXPECT_EQ(files[1].name, "kiln/agent.log");
}

}  // namespace
}  // namespace kiln::runner::agent
