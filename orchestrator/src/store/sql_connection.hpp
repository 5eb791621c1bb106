// The little SQL both backends speak: statements with $1..$N parameters,
// rows of text (NULL = nullopt), explicit transactions. SqlRunStore is written
// once against this; SQLite and PostgreSQL each implement it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::orchestrator {

using SqlValue = std::variant<std::monostate, long long, double, std::string>;
using SqlRow = std::vector<std::optional<std::string>>;
using SqlRows = std::vector<SqlRow>;

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // Runs one statement; parameters are $1..$N in order of first appearance.
  virtual Expected<SqlRows> query(const std::string& sql,
                                  const std::vector<SqlValue>& params = {}) = 0;
  // Runs several statements without parameters (schema migrations).
  virtual Status exec_script(const std::string& sql) = 0;
  // Makes every COMMIT returned so far durable. A backend whose COMMIT is
  // durable by itself (PostgreSQL) has nothing to do. SQLite's writer commits
  // into the OS and syncs here, so the group-commit writer can run the next
  // group's statements while another thread waits for the disk. Safe to call
  // from another thread while this connection runs statements.
  virtual Status sync() { return ok(); }
  [[nodiscard]] virtual std::string backend() const = 0;
};

// Column i of a row as text ("" for NULL or absent) and as an integer.
std::string sql_text(const SqlRow& row, std::size_t i);
long long sql_integer(const SqlRow& row, std::size_t i);

// "sqlite:///path/to/file.db", WAL. The writer commits without waiting for
// the disk (synchronous=NORMAL) and sync() fdatasyncs the WAL: nothing is
// acknowledged before that. Its WAL is checkpointed by a background thread;
// a reader only reads.
enum class SqliteRole { writer, reader };
Expected<std::unique_ptr<SqlConnection>> open_sqlite(const std::string& path,
                                                     SqliteRole role = SqliteRole::writer);
// Whether a store URL names PostgreSQL ("postgresql://", "postgres://", or a
// libpq conninfo with host= or dbname=); anything else is SQLite.
bool is_postgres_url(const std::string& url);
// A libpq conninfo string or URL ("postgresql://..." or "host=... port=...").
Expected<std::unique_ptr<SqlConnection>> open_postgres(const std::string& conninfo);

}  // namespace kiln::orchestrator
