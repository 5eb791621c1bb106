// The real DatagramTransport: one UDP socket bound to the discovery port on
// one interface (SO_BINDTODEVICE), allowed to broadcast. The only code of the
// network stage that touches the host directly (see docs/network-stage.md).
#pragma once

#include <memory>
#include <string>

#include "stages/network/transport.hpp"

namespace kiln::runner::network {

class UdpTransport final : public DatagramTransport {
 public:
  // Errors: socket, bind or SO_BINDTODEVICE failed (port in use, not root).
  static Expected<std::unique_ptr<UdpTransport>> open(const std::string& iface, int port);
  ~UdpTransport() override;
  UdpTransport(const UdpTransport&) = delete;
  UdpTransport& operator=(const UdpTransport&) = delete;

  Status send(const std::string& dest, std::string_view payload) override;
  std::optional<Datagram> receive(std::chrono::milliseconds wait) override;

 private:
  UdpTransport(int fd, int port) : fd_(fd), port_(port) {}
  int fd_;
  int port_;
};

}  // namespace kiln::runner::network
