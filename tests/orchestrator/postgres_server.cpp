#include "postgres_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace kiln::orchestrator::testing {
namespace {

constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace

PostgresServer* PostgresServer::instance(std::string& why_not) {
  static std::unique_ptr<PostgresServer> server;
  static std::string failure;
  static bool tried = false;
  if (tried) {
    why_not = failure;
    return server.get();
  }
  tried = true;
  if (!std::filesystem::exists(std::string(kBinDir) + "/initdb")) {
    failure =
        fmt::format("PostgreSQL 15 binaries not found in {} (apt-get install postgresql)", kBinDir);
    why_not = failure;
    return nullptr;
  }
  std::unique_ptr<PostgresServer> s(new PostgresServer());
  s->bin_ = kBinDir;
  std::string tmpl = (std::filesystem::temp_directory_path() / "kiln-pg-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    failure = "mkdtemp failed";
    why_not = failure;
    return nullptr;
  }
  s->dir_ = tmpl;
  if (::geteuid() == 0) {  // initdb refuses root: run the server as postgres
    s->as_user_ = "runuser -u postgres -- ";
    if (std::system(fmt::format("chown postgres: '{}'", s->dir_).c_str()) != 0) {
      failure = "cannot chown the temp dir to postgres";
      why_not = failure;
      return nullptr;
    }
  }
  int port = free_port();
  std::string init =
      fmt::format("{}{}/initdb -D '{}/data' -A trust -U postgres > '{}/initdb.log' 2>&1",
                  s->as_user_, s->bin_, s->dir_, s->dir_);
  std::string start = fmt::format(
      "{}{}/pg_ctl -D '{}/data' -l '{}/server.log' -w -t 60 -o \"-p {} -k {} -c "
      "listen_addresses='' -c fsync=off\" "
      "start > '{}/pg_ctl.log' 2>&1",
      s->as_user_, s->bin_, s->dir_, s->dir_, port, s->dir_, s->dir_);
  if (std::system(init.c_str()) != 0) {
    failure = fmt::format("initdb failed, see {}/initdb.log", s->dir_);
  } else if (std::system(start.c_str()) != 0) {
    failure = fmt::format("pg_ctl start failed, see {}/server.log", s->dir_);
  } else {
    s->started_ = true;
    s->conninfo_ = fmt::format("host={} port={} user=postgres dbname=postgres", s->dir_, port);
    server = std::move(s);
  }
  why_not = failure;
  return server.get();
}

PostgresServer::~PostgresServer() {
  if (started_) {
    (void)std::system(fmt::format("{}{}/pg_ctl -D '{}/data' -m immediate -w stop > /dev/null 2>&1",
                                  as_user_, bin_, dir_)
                          .c_str());
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace kiln::orchestrator::testing
