#include "run/bmc_watchdog.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "stage/tool_command.hpp"

namespace kiln::runner {
namespace {

constexpr std::chrono::seconds kIpmiTimeout{30};

std::string hex_byte(unsigned v) {
  return fmt::format("0x{:02x}", v & 0xffU);
}

std::vector<std::string> secrets_of(const std::optional<tools::IpmiLanTarget>& lan) {
  if (lan && !lan->password.empty()) return {lan->password};
  return {};
}

}  // namespace

std::vector<std::string> watchdog_set_argv(const std::optional<tools::IpmiLanTarget>& lan,
                                           std::chrono::seconds timeout) {
  const auto counts = static_cast<unsigned>(
      std::clamp<long long>(timeout.count() * 10, 1, 0xffff));  // 100 ms counts
  auto argv = tools::ipmitool_prefix(lan);
  for (const char* a : {"raw", "0x06", "0x24",
                        "0x04",   // timer use: SMS/OS, logged
                        "0x01",   // on expiry: hard reset; no pre-timeout interrupt
                        "0x00",   // pre-timeout interval
                        "0x10"})  // clear the SMS/OS expiration flag
    argv.emplace_back(a);
  argv.push_back(hex_byte(counts));       // initial countdown, LS byte
  argv.push_back(hex_byte(counts >> 8));  // MS byte
  return argv;
}

BmcWatchdog::BmcWatchdog(HostAdapter& host, std::optional<tools::IpmiLanTarget> lan,
                         std::chrono::milliseconds pet_interval)
    : host_(host), lan_(std::move(lan)), pet_interval_(pet_interval) {}

Status BmcWatchdog::ipmitool(std::vector<std::string> args) {
  auto argv = tools::ipmitool_prefix(lan_);
  argv.insert(argv.end(), args.begin(), args.end());
  return run(std::move(argv));
}

Status BmcWatchdog::run(std::vector<std::string> argv) {
  CommandSpec spec{std::move(argv), kIpmiTimeout, std::nullopt, std::nullopt, secrets_of(lan_)};
  auto result = host_.run(spec);
  if (!result) return make_error("KILN-WATCHDOG", describe_failure(spec.argv, result.error()));
  if (!result->exited_with(0))
    return make_error("KILN-WATCHDOG", describe_failure(spec.argv, *result));
  return ok();
}

Expected<std::unique_ptr<BmcWatchdog>> BmcWatchdog::arm(HostAdapter& host,
                                                        std::optional<tools::IpmiLanTarget> lan,
                                                        std::chrono::seconds timeout,
                                                        std::chrono::milliseconds pet_interval) {
  std::unique_ptr<BmcWatchdog> dog(new BmcWatchdog(host, lan, pet_interval));
  if (auto s = dog->run(watchdog_set_argv(lan, timeout)); !s) return s.error();
  if (auto s = dog->ipmitool({"mc", "watchdog", "reset"}); !s) {  // starts the countdown
    (void)dog->ipmitool({"mc", "watchdog", "off"});
    return s.error();
  }
  dog->petter_ = std::thread([d = dog.get()] { d->pet_loop(); });
  return dog;
}

void BmcWatchdog::pet_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (wake_.wait_for(lock, pet_interval_, [this] { return stopping_; })) break;
    lock.unlock();
    auto s = ipmitool({"mc", "watchdog", "reset"});
    lock.lock();
    if (s) {
      ++pets_;
      last_pet_error_.clear();
    } else {
      last_pet_error_ = s.error().message;
    }
  }
}

std::string BmcWatchdog::disarm() {
  {
    std::lock_guard lock(mu_);
    if (disarmed_) return {};
    disarmed_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  if (petter_.joinable()) petter_.join();
  auto s = ipmitool({"mc", "watchdog", "off"});
  return s ? std::string() : s.error().message;
}

BmcWatchdog::~BmcWatchdog() {
  (void)disarm();
}

int BmcWatchdog::pets() const {
  std::lock_guard lock(mu_);
  return pets_;
}

std::string BmcWatchdog::last_pet_error() const {
  std::lock_guard lock(mu_);
  return last_pet_error_;
}

}  // namespace kiln::runner
