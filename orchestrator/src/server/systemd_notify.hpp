// The service manager's readiness protocol (sd_notify(3)), without
// libsystemd: a datagram to the AF_UNIX socket $NOTIFY_SOCKET names (a path,
// or an abstract name when it starts with '@'). kiln-orchestrator sends
// READY=1 once it listens and its store is open (Type=notify),
// RELOADING=1 / READY=1 around a SIGHUP reload and STOPPING=1 on the way out.
// Without $NOTIFY_SOCKET (not started by systemd) nothing is sent.
#pragma once

#include <string_view>

#include "kiln/expected.hpp"

namespace kiln::orchestrator {

// Sends `state` ("READY=1", "STATUS=...", lines joined by '\n'). Ok when sent
// or when there is no $NOTIFY_SOCKET; an error naming the socket otherwise.
Status notify_service_manager(std::string_view state);

}  // namespace kiln::orchestrator
