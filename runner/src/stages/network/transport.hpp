// What the network stage's discovery needs from the outside world: a clock
// and a datagram transport. The real ones are SystemClock and UdpTransport
// (udp_socket.hpp); unit tests use fakes, so no socket and no sleep.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kiln/expected.hpp"

namespace kiln::runner::network {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual std::chrono::steady_clock::time_point now() const = 0;
  [[nodiscard]] virtual std::uint64_t wall_ms() const = 0;  // ms since the epoch
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  [[nodiscard]] std::uint64_t wall_ms() const override {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  }
};

struct Datagram {
  std::string payload;
  std::string source;  // sender's IPv4 address
};

// One transport per tested interface.
class DatagramTransport {
 public:
  virtual ~DatagramTransport() = default;
  // Sends to `dest` (the interface's broadcast address or a static peer).
  virtual Status send(const std::string& dest, std::string_view payload) = 0;
  // The next datagram, waiting at most `wait`; nullopt when none came.
  virtual std::optional<Datagram> receive(std::chrono::milliseconds wait) = 0;
};

}  // namespace kiln::runner::network
