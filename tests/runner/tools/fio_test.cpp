#include "tools/fio.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

TEST(FioArgv, Job) {
  FioJobSpec job;
  job.name = "randread";
  job.filename = "/dev/nvme0n1";
  job.runtime_s = 30;
  EXPECT_EQ(fio_argv(job),
            (std::vector<std::string>{
                "fio", "--name=randread", "--filename=/dev/nvme0n1", "--rw=randread", "--bs=4k",
                "--iodepth=32", "--numjobs=1", "--direct=1", "--ioengine=libaio", "--runtime=30s",
                "--time_based", "--group_reporting", "--output-format=json"}));
  job.time_based = false;
  job.size = "1G";
  auto argv = fio_argv(job);
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "--time_based"), 0);
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "--size=1G"), 1);
}

TEST(Fio, RigRandrw) {
  auto r = parse_fio_json(data_file("fio", "fio.json"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->fio_version, "fio-3.33");
  ASSERT_EQ(r->jobs.size(), 1U);
  const FioJob& job = r->jobs[0];
  EXPECT_EQ(job.name, "rig");
  EXPECT_EQ(job.error, 0);
  EXPECT_DOUBLE_EQ(job.read.bw_kib_s, 78428);
  EXPECT_DOUBLE_EQ(job.read.bw_mb_s, 80.310808);
  EXPECT_NEAR(job.read.iops, 19607.13, 0.01);
  EXPECT_EQ(job.read.io_bytes, 241012736U);
  EXPECT_EQ(job.read.runtime_ms, 3001U);
  EXPECT_DOUBLE_EQ(job.read.clat_p99_us.value_or(0), 1286.144);
  EXPECT_DOUBLE_EQ(job.write.clat_p99_us.value_or(0), 1548.288);
  EXPECT_FALSE(r->any_job_error());
  EXPECT_TRUE(r->messages.empty());
}

TEST(Fio, HddFio31) {
  auto r = parse_fio_json(
      data_file("fio", "hp-microserver-g10-wd740gd-10k-hdd-randread-qd32-fio3.1.json"));
  ASSERT_TRUE(r.ok());
  const FioJob& job = r->jobs[0];
  EXPECT_EQ(job.name, "random-read");
  EXPECT_NEAR(job.read.iops, 85.78, 0.01);
  EXPECT_DOUBLE_EQ(job.read.clat_p99_us.value_or(0), 583008.256);  // HDD: ~0.58 s
  EXPECT_EQ(job.read.io_bytes, 21151744U);
  EXPECT_NEAR(job.read.bw_mb_s, 343 * 1024 / 1e6, 1e-9);  // no bw_bytes in 3.1
}

TEST(Fio, OldFio2LayoutWithDuplicatePercentiles) {
  auto r = parse_fio_json(
      data_file("fio", "pkb-fio-2.1.4-five-jobs-sdb-duplicate-percentile-keys.json"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->fio_version, "fio-2.1.4");
  ASSERT_EQ(r->jobs.size(), 5U);
  const FioDirection& read = r->jobs[0].write;  // job 0 is the sequential write
  EXPECT_DOUBLE_EQ(read.bw_kib_s, 68118);
  EXPECT_EQ(read.io_bytes, 361984U * 1024U);  // fio 2 wrote KiB under "io_bytes"
  EXPECT_EQ(read.runtime_ms, 5314U);
  EXPECT_NEAR(read.clat_mean_us.value_or(0), 477734.84, 0.01);
  EXPECT_DOUBLE_EQ(read.clat_p99_us.value_or(0), 823296);
}

TEST(Fio, JobErrorSurfaced) {
  auto bad = parse_fio_json(data_file("fio", "fio-bad.json"));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->jobs[0].name, "bad");
  EXPECT_EQ(bad->jobs[0].error, 2);
  EXPECT_TRUE(bad->any_job_error());
}

TEST(Fio, MessagesBeforeJson) {
  auto r = parse_fio_json(data_file("fio", "fio3.33-error-messages-prefix-err22-before-json.json"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->jobs[0].error, 22);
  ASSERT_EQ(r->messages.size(), 3U);
  EXPECT_EQ(r->messages[0], "fio: time_based requires a runtime/timeout setting");

  auto sig = parse_fio_json(
      data_file("fio", "fio3.34-macos-terminating-on-signal-2-prefix-before-json.json"));
  ASSERT_TRUE(sig.ok());
  ASSERT_EQ(sig->messages.size(), 1U);
  EXPECT_EQ(sig->messages[0], "fio: terminating on signal 2");
  EXPECT_EQ(sig->jobs[0].name, "FIOJOB");
}

TEST(Fio, NoJsonEmptyTruncated) {
  auto shm = parse_fio_json(data_file("fio", "fio-failed-to-setup-shm-segment-no-json.json"));
  ASSERT_FALSE(shm.ok());
  EXPECT_EQ(shm.error().code, "KILN-PARSE-FIO");
  EXPECT_NE(shm.error().message.find("failed to setup shm segment"), std::string::npos);
  EXPECT_FALSE(parse_fio_json("").ok());
  EXPECT_FALSE(parse_fio_json(data_file("fio", "fio-bad.err")).ok());
  auto half = parse_fio_json(testing::first_half(data_file("fio", "fio.json")));
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("truncated"), std::string::npos);
  EXPECT_FALSE(parse_fio_json("{\"fio version\": \"x\"}").ok());  // no jobs
}

}  // namespace
}  // namespace kiln::tools
