// sd_notify without libsystemd: the datagram arrives on a socket named by
// $NOTIFY_SOCKET, as a path or in the abstract namespace.
#include "server/systemd_notify.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "test_dir.hpp"

namespace kiln::orchestrator {
namespace {

// A datagram socket bound to `name` ('@' first: abstract).
struct NotifySocket {
  explicit NotifySocket(const std::string& name) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name.data(), name.size());
    if (name[0] == '@') addr.sun_path[0] = '\0';
    bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr),
                   static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size())) == 0;
    ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  std::string receive() const {
    char buf[512];
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  int fd = -1;
  bool bound = false;
};

TEST(SystemdNotify, NothingToDoWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(notify_service_manager("READY=1").ok());
}

TEST(SystemdNotify, SendsToAPathSocket) {
  auto dir = fresh_test_dir("kiln-notify");
  NotifySocket socket((dir / "notify").string());
  ASSERT_TRUE(socket.bound);
  ASSERT_TRUE(notify_service_manager("READY=1\nSTATUS=serving").ok());
  EXPECT_EQ(socket.receive(), "READY=1\nSTATUS=serving");
}

TEST(SystemdNotify, SendsToAnAbstractSocket) {
  NotifySocket socket("@kiln-notify-test-" + std::to_string(::getpid()));
  ASSERT_TRUE(socket.bound);
  ASSERT_TRUE(notify_service_manager("RELOADING=1").ok());
  EXPECT_EQ(socket.receive(), "RELOADING=1");
}

TEST(SystemdNotify, AMissingSocketIsAnErrorNamingIt) {
  ::setenv("NOTIFY_SOCKET", "/nonexistent/kiln-notify", 1);
  auto sent = notify_service_manager("READY=1");
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_FALSE(sent.ok());
  EXPECT_NE(sent.error().message.find("/nonexistent/kiln-notify"), std::string::npos);
  ::setenv("NOTIFY_SOCKET", "relative", 1);
  EXPECT_FALSE(notify_service_manager("READY=1").ok());
  ::unsetenv("NOTIFY_SOCKET");
}

}  // namespace
}  // namespace kiln::orchestrator
