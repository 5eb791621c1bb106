// The real SystemHostAdapter against real processes: exit codes, signals,
// timeouts that kill the whole process group, logs, and a fake root.
#include "host/host_adapter.hpp"
#include "host/command_cancel.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln::runner {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("kiln-host-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

CommandSpec sh(const std::string& script, std::chrono::milliseconds timeout = 10s) {
  return CommandSpec{{"sh", "-c", script}, timeout, std::nullopt, std::nullopt};
}

TEST(SystemHostAdapter, CapturesOutputAndExitCode) {
  SystemHostAdapter host;
  auto r = host.run(sh("echo out; echo err >&2; exit 3"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->signalled);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->stdout_text, "out\n");
  EXPECT_EQ(r->stderr_tail(), "err");
  EXPECT_TRUE(r->exited_with(3));
  EXPECT_EQ(r->describe(), "exit 3");
}

TEST(SystemHostAdapter, SignalIsToldApartFromExitCode) {
  SystemHostAdapter host;
  auto r = host.run(sh("kill -KILL $$"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->signalled);
  EXPECT_EQ(r->term_signal, SIGKILL);
  EXPECT_FALSE(r->exited_with(0));
  EXPECT_THAT(r->describe(), HasSubstr("killed by signal 9"));
}

TEST(SystemHostAdapter, HangingToolIsKilledWithItsWholeProcessGroup) {
  SystemHostAdapter host;
  TempDir dir;
  auto pidfile = dir.path() / "grandchild.pid";
  auto start = std::chrono::steady_clock::now();
  auto r = host.run(sh("sleep 300 & echo $! > " + pidfile.string() + "; echo started; wait", 500ms));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->stdout_text, "started\n");  // what it printed before the timeout is kept
  EXPECT_LT(took, 8s);
  EXPECT_THAT(r->describe(), HasSubstr("timed out"));
  pid_t grandchild = 0;
  std::ifstream(pidfile) >> grandchild;
  ASSERT_GT(grandchild, 0);
  // The background sleep was in the group and died with it.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = ::kill(grandchild, 0) != 0;
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(gone) << "grandchild " << grandchild << " survived the timeout";
}

TEST(SystemHostAdapter, CancelKillsTheRunningToolsGroup) {
  SystemHostAdapter host;
  std::atomic<bool> cancel{false};
  cancel_commands_when(&cancel);
  std::thread abort([&] {
    std::this_thread::sleep_for(300ms);
    cancel.store(true);
  });
  auto start = std::chrono::steady_clock::now();
  auto r = host.run(sh("sleep 300 & echo started; wait", 60s));
  auto took = std::chrono::steady_clock::now() - start;
  abort.join();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->timed_out);
  EXPECT_TRUE(r->signalled) << r->describe();
  EXPECT_EQ(r->term_signal, SIGTERM);
  EXPECT_EQ(r->stdout_text, "started\n");
  EXPECT_LT(took, 8s);
  cancel.store(false);  // with the flag down again, commands run as usual
  auto quick = host.run(sh("echo fine", 5s));
  cancel_commands_when(nullptr);
  ASSERT_TRUE(quick.ok());
  EXPECT_TRUE(quick->exited_with(0));
}

TEST(SystemHostAdapter, ChildClosingItsOutputsEarlyIsStillWaitedFor) {
  SystemHostAdapter host;
  auto r = host.run(sh("exec >/dev/null 2>&1; sleep 0.3; exit 4"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 4);
  EXPECT_FALSE(r->timed_out);
}

TEST(SystemHostAdapter, MissingToolIsAnErrorWithARemedy) {
  SystemHostAdapter host;
  auto r = host.run({{"kiln-no-such-tool"}, 1s, std::nullopt, std::nullopt});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "KILN-TOOL-MISSING");
  EXPECT_THAT(r.error().remedy, HasSubstr("install"));
}

TEST(SystemHostAdapter, StdinAndLogFile) {
  SystemHostAdapter host;
  TempDir dir;
  CommandSpec spec{{"cat"}, 5s, dir.path() / "step.log", std::string("hello\n")};
  auto r = host.run(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stdout_text, "hello\n");
  std::ifstream log(dir.path() / "step.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("$ cat"));
  EXPECT_THAT(text, HasSubstr("hello"));
  EXPECT_THAT(text, HasSubstr("--- exit 0"));
}

TEST(PrintableCommand, HidesPasswords) {
  EXPECT_EQ(printable_command({"ipmitool", "-I", "lanplus", "-U", "admin", "-P", "s3cret", "fru"}),
            "ipmitool -I lanplus -U admin -P **** fru");
}

TEST(PrintableCommand, HidesIpmitoolUserPasswordsAndGivenSecrets) {
  EXPECT_EQ(printable_command({"ipmitool", "-I", "lanplus", "-P", "login-pw", "user", "set",
                               "password", "3", "Throw4way", "16"}),
            "ipmitool -I lanplus -P **** user set password 3 **** 16");
  EXPECT_EQ(printable_command({"ipmitool", "user", "set", "name", "3", "bob"}),
            "ipmitool user set name 3 bob");
  EXPECT_EQ(printable_command({"tool", "--key=Abc123Xyz", "Abc123Xyz"}, {"Abc123Xyz"}),
            "tool --key=**** ****");
  EXPECT_EQ(mask_secrets("aXXaXXa", {"XX", ""}), "a****a****a");
  // kiln-runner's own command line (report.json, testRunStart) keeps no secret either.
  EXPECT_EQ(printable_command({"kiln-runner", "run", "--bmc-password", "pw1", "--token=tok2",
                               "--bmc-password=pw3", "--bmc-user", "admin"}),
            "kiln-runner run --bmc-password **** --token=**** --bmc-password=**** --bmc-user admin");
}

// A password given on the command line reaches neither the log nor the output
// the caller gets back, even when the tool echoes it on both streams.
TEST(SystemHostAdapter, SecretsAreMaskedInTheLogAndTheOutput) {
  SystemHostAdapter host;
  TempDir dir;
  const std::string secret = "Hunter2Secret9q";
  CommandSpec spec = sh("echo set to " + secret + "; echo bad password " + secret + " >&2; exit 1");
  spec.log_file = dir.path() / "step.log";
  spec.secrets = {secret};
  auto r = host.run(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_EQ(r->stdout_text, "set to ****\n");
  EXPECT_EQ(r->stderr_tail(), "bad password ****");
  std::ifstream log(dir.path() / "step.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(secret), std::string::npos) << text;
  EXPECT_THAT(text, HasSubstr("set to ****"));
  EXPECT_THAT(text, HasSubstr("bad password ****"));
  EXPECT_THAT(text, HasSubstr("--- exit 1"));
}

TEST(SystemHostAdapter, LargeOutputOnBothStreamsDoesNotDeadlock) {
  SystemHostAdapter host;
  auto r = host.run(sh("head -c 3000000 /dev/zero | tr '\\0' a; head -c 3000000 /dev/zero | tr '\\0' b >&2"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stdout_text.size(), 3000000U);
  EXPECT_EQ(r->stderr_text.size(), 3000000U);
}

TEST(SystemHostAdapter, FilesResolveUnderTheRoot) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "sys/block/sda/device");
  std::ofstream(dir.path() / "sys/block/sda/device/model") << "SAMSUNG MZ7LH\n";
  std::filesystem::create_symlink("../../devices/pci0000:00/0000:00:1f.2", dir.path() / "sys/block/sdb");
  SystemHostAdapter host(dir.path());
  auto model = host.read_file("/sys/block/sda/device/model");
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(*model, "SAMSUNG MZ7LH\n");
  auto names = host.list_dir("/sys/block");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"sda", "sdb"}));
  EXPECT_TRUE(host.exists("/sys/block/sda"));
  EXPECT_FALSE(host.exists("/sys/block/sdc"));
  EXPECT_EQ(*host.read_link("/sys/block/sdb"), "../../devices/pci0000:00/0000:00:1f.2");
  auto missing = host.read_file("/sys/block/sdz/size");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("/sys/block/sdz/size"));
  ASSERT_TRUE(host.write_file("/sys/block/sda/device/model", "x").ok());
  EXPECT_EQ(*host.read_file("/sys/block/sda/device/model"), "x");
}

}  // namespace
}  // namespace kiln::runner
