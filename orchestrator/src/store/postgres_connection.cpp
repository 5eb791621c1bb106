// SqlConnection on PostgreSQL through libpq: parameters are sent as text and
// typed by the server from the statement.
#include <fmt/format.h>
#include <libpq-fe.h>

#include "store/sql_connection.hpp"

namespace kiln::orchestrator {
namespace {

std::string trimmed(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Expected<SqlRows> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    if (auto up = reconnect_if_broken(); !up) return up.error();
    std::vector<std::optional<std::string>> texts;
    texts.reserve(params.size());
    for (const auto& p : params) {
      if (const auto* n = std::get_if<long long>(&p)) {
        texts.emplace_back(std::to_string(*n));
      } else if (const auto* d = std::get_if<double>(&p)) {
        texts.emplace_back(fmt::format("{}", *d));
      } else if (const auto* s = std::get_if<std::string>(&p)) {
        texts.emplace_back(*s);
      } else {
        texts.emplace_back(std::nullopt);
      }
    }
    std::vector<const char*> values;
    values.reserve(texts.size());
    for (const auto& t : texts) values.push_back(t ? t->c_str() : nullptr);
    PGresult* res = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    std::unique_ptr<PGresult, void (*)(PGresult*)> guard(res, PQclear);
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return make_error("KILN-STORE",
                        fmt::format("postgresql: {}", trimmed(PQresultErrorMessage(res))));
    }
    SqlRows rows;
    int n = PQntuples(res);
    int columns = PQnfields(res);
    for (int r = 0; r < n; ++r) {
      SqlRow row;
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(res, r, c) != 0) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(
              std::string(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Status exec_script(const std::string& sql) override {
    if (auto up = reconnect_if_broken(); !up) return up;
    PGresult* res = PQexec(conn_, sql.c_str());
    std::unique_ptr<PGresult, void (*)(PGresult*)> guard(res, PQclear);
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return make_error("KILN-STORE",
                        fmt::format("postgresql: {}", trimmed(PQresultErrorMessage(res))));
    }
    return ok();
  }

  [[nodiscard]] std::string backend() const override { return "postgresql"; }

 private:
  // A connection that broke (the server restarted, a failover, a network cut)
  // is opened again before the next statement; the statement that found it
  // broken failed (its caller answered 503 or rolled back), so nothing runs
  // half inside a lost transaction.
  Status reconnect_if_broken() {
    if (PQstatus(conn_) != CONNECTION_BAD) return ok();
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
      return make_error(
          "KILN-STORE",
          fmt::format("postgresql: the connection broke and cannot be opened again: {}",
                      trimmed(PQerrorMessage(conn_))),
          "check that the server (or the new primary) is up; kiln retries at the "
          "next statement");
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    return ok();
  }
  PGconn* conn_;
};

}  // namespace

Expected<std::unique_ptr<SqlConnection>> open_postgres(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn != nullptr ? trimmed(PQerrorMessage(conn)) : "out of memory";
    PQfinish(conn);
    return make_error("KILN-STORE", fmt::format("cannot connect to postgresql: {}", message),
                      "check the store URL and that the server is running");
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);  // no NOTICE chatter on stderr
  return std::unique_ptr<SqlConnection>(std::make_unique<PostgresConnection>(conn));
}

}  // namespace kiln::orchestrator
