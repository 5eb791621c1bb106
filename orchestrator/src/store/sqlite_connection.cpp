// SqlConnection on SQLite: one connection, WAL journal, synchronous=FULL so a
// committed transaction survives a power cut before the API acknowledges it.
// Statements are prepared once per SQL text and reused (reset after each use).
#include <fmt/format.h>
#include <sqlite3.h>

#include <array>
#include <unordered_map>

#include "store/sql_connection.hpp"

namespace kiln::orchestrator {
namespace {

class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    forget_statements();
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Expected<SqlRows> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    sqlite3_stmt* stmt = prepared(sql);
    if (stmt == nullptr) return failure("prepare");
    // Reset on every way out, so the statement holds no lock or snapshot.
    std::unique_ptr<sqlite3_stmt, void (*)(sqlite3_stmt*)> guard(stmt, [](sqlite3_stmt* s) {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    });
    for (std::size_t i = 0; i < params.size(); ++i) {
      int index = sqlite3_bind_parameter_index(stmt, parameter_name(i + 1).c_str());
      if (index == 0) continue;  // parameter not used by this statement
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<long long>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* d = std::get_if<double>(&params[i])) {
        rc = sqlite3_bind_double(stmt, index, *d);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()),
                               SQLITE_TRANSIENT);
      } else {
        rc = sqlite3_bind_null(stmt, index);
      }
      if (rc != SQLITE_OK) return failure("bind");
    }
    SqlRows rows;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return failure("step");
      SqlRow row;
      int columns = sqlite3_column_count(stmt);
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(
              std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Status exec_script(const std::string& sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "unknown error";
      sqlite3_free(message);
      return make_error("KILN-STORE", fmt::format("sqlite: {}", text));
    }
    return ok();
  }

  [[nodiscard]] std::string backend() const override { return "sqlite"; }

 private:
  static constexpr std::size_t kMaxStatements = 256;  // SQL texts come from code: a few dozen

  // The statement for `sql`, prepared at its first use.
  sqlite3_stmt* prepared(const std::string& sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
    if (statements_.size() >= kMaxStatements) forget_statements();
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return nullptr;
    }
    statements_.emplace(sql, stmt);
    return stmt;
  }

  void forget_statements() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
  }

  // "$n" (formatted once for the first 64).
  static std::string parameter_name(std::size_t n) {
    static const auto names = []() {
      std::array<std::string, 64> all;
      for (std::size_t i = 0; i < all.size(); ++i) all[i] = fmt::format("${}", i);
      return all;
    }();
    return n < names.size() ? names[n] : fmt::format("${}", n);
  }

  Error failure(const char* what) const {
    return make_error("KILN-STORE", fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

Expected<std::unique_ptr<SqlConnection>> open_sqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return make_error("KILN-STORE",
                      fmt::format("cannot open sqlite database {}: {}", path, message),
                      "check that the directory exists and is writable");
  }
  sqlite3_busy_timeout(db, 5000);
  auto conn = std::make_unique<SqliteConnection>(db);
  if (auto s = conn->exec_script(
          "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
      !s) {
    return s.error();
  }
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

}  // namespace kiln::orchestrator
