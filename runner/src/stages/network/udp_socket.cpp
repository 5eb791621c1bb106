#include "stages/network/udp_socket.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "stages/network/announcement.hpp"

namespace kiln::runner::network {
namespace {

Error socket_error(const std::string& what, const std::string& iface, int port) {
  return make_error(
      "network-socket",
      fmt::format("{} for {} port {}: {}", what, iface, port, std::strerror(errno)),
      "the discovery port must be free on every tested interface and kiln-runner must run as root");
}

}  // namespace

Expected<std::unique_ptr<UdpTransport>> UdpTransport::open(const std::string& iface, int port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return socket_error("socket()", iface, port);
  std::unique_ptr<UdpTransport> t(new UdpTransport(fd, port));
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0) {
    return socket_error("setsockopt()", iface, port);
  }
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface.c_str(),
                   static_cast<socklen_t>(iface.size())) != 0) {
    return socket_error("SO_BINDTODEVICE", iface, port);
  }
  sockaddr_in me{};
  me.sin_family = AF_INET;
  me.sin_port = htons(static_cast<std::uint16_t>(port));
  me.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me) != 0)
    return socket_error("bind()", iface, port);
  return t;
}

UdpTransport::~UdpTransport() {
  ::close(fd_);
}

Status UdpTransport::send(const std::string& dest, std::string_view payload) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port_));
  if (::inet_pton(AF_INET, dest.c_str(), &to.sin_addr) != 1) {
    return make_error("network-bad-address", fmt::format("'{}' is not an IPv4 address", dest));
  }
  if (::sendto(fd_, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to),
               sizeof to) < 0) {
    return make_error("network-send", fmt::format("sendto {}: {}", dest, std::strerror(errno)));
  }
  return ok();
}

std::optional<Datagram> UdpTransport::receive(std::chrono::milliseconds wait) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return std::nullopt;
  std::array<char, kMaxDatagram + 1> buf{};
  sockaddr_in from{};
  socklen_t len = sizeof from;
  ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
  if (n < 0) return std::nullopt;
  std::array<char, INET_ADDRSTRLEN> ip{};
  ::inet_ntop(AF_INET, &from.sin_addr, ip.data(), ip.size());
  // A datagram longer than kMaxDatagram arrives as kMaxDatagram + 1 bytes: the parser rejects it.
  return Datagram{std::string(buf.data(), static_cast<std::size_t>(n)), std::string(ip.data())};
}

}  // namespace kiln::runner::network
