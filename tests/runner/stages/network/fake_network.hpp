// Fakes for the network stage's discovery: a clock that only moves when told
// (or when a transport waits), a transport that never hears anything but
// what a test injects, and an in-memory broadcast segment for several
// sessions running on threads with the real clock.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "stages/network/transport.hpp"

namespace kiln::runner::network::testing {

class FakeClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::steady_clock::time_point now() const override {
    std::lock_guard lock(mu_);
    return t_;
  }
  [[nodiscard]] std::uint64_t wall_ms() const override {
    std::lock_guard lock(mu_);
    return 1'760'000'000'000ULL +
           static_cast<std::uint64_t>((t_ - std::chrono::steady_clock::time_point{}) /
                                      std::chrono::milliseconds(1));
  }
  void advance(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    t_ += d;
  }

 private:
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point t_{};
};

// Hears only what the test queued; waiting moves the fake clock.
class ScriptedTransport final : public DatagramTransport {
 public:
  explicit ScriptedTransport(FakeClock& clock) : clock_(clock) {}
  Status send(const std::string& dest, std::string_view payload) override {
    sent.emplace_back(dest, std::string(payload));
    return ok();
  }
  std::optional<Datagram> receive(std::chrono::milliseconds wait) override {
    if (!inbox.empty()) {
      Datagram d = inbox.front();
      inbox.pop_front();
      return d;
    }
    clock_.advance(wait);
    return std::nullopt;
  }
  std::deque<Datagram> inbox;
  std::vector<std::pair<std::string, std::string>> sent;

 private:
  FakeClock& clock_;
};

// One broadcast segment in memory: what one endpoint sends, all others get.
class Segment {
 public:
  class Endpoint final : public DatagramTransport {
   public:
    Endpoint(Segment& seg, std::string addr) : seg_(seg), addr_(std::move(addr)) {}
    Status send(const std::string& /*dest*/, std::string_view payload) override {
      seg_.deliver(this, Datagram{std::string(payload), addr_});
      return ok();
    }
    std::optional<Datagram> receive(std::chrono::milliseconds wait) override {
      std::unique_lock lock(seg_.mu_);
      if (!seg_.cv_.wait_for(lock, wait, [&] { return !inbox_.empty(); })) return std::nullopt;
      Datagram d = inbox_.front();
      inbox_.pop_front();
      return d;
    }
    bool muted = false;  // a "killed" node: sends nothing any more

   private:
    friend class Segment;
    Segment& seg_;
    std::string addr_;
    std::deque<Datagram> inbox_;
  };

  Endpoint& join(const std::string& addr) {
    std::lock_guard lock(mu_);
    endpoints_.push_back(std::make_unique<Endpoint>(*this, addr));
    return *endpoints_.back();
  }

 private:
  void deliver(Endpoint* from, const Datagram& d) {
    std::lock_guard lock(mu_);
    if (from->muted) return;
    for (auto& e : endpoints_) {
      if (e.get() != from) e->inbox_.push_back(d);
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
};

}  // namespace kiln::runner::network::testing
