// SqlConnection on SQLite: one connection, WAL journal. The writer's COMMIT
// hands the WAL frames to the OS (synchronous=NORMAL) and sync() fdatasyncs
// the WAL file: the store calls it before any answer, so an acknowledged
// write survives a power cut, while the next transaction's statements need
// not wait for the disk.
// Statements are prepared once per SQL text and reused (reset after each use).
// The writer's WAL is checkpointed by a thread of its own (Checkpointer), so a
// COMMIT waits for one fsync of the WAL and never for copying the WAL into the
// database file and its fsync.
#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "store/sql_connection.hpp"

namespace kiln::orchestrator {
namespace {

// Copies the WAL into the database (PASSIVE: never blocks the writer or a
// reader) on its own connection and thread, woken by the writer's WAL hook
// after every COMMIT once the WAL holds kCheckpointFrames pages. SQLite
// restarts the WAL from its beginning only in a write transaction that began
// with every frame copied, which a writer that never pauses does not see;
// so once the WAL holds kRestartFrames pages the writer runs one PASSIVE
// checkpoint itself right after its COMMIT: the thread has copied nearly
// everything, the writer copies the last groups' pages and syncs, and its
// next transaction restarts the WAL. The WAL stays at about 16 MiB.
// A reader reading while the writer's transaction begins holds the restart
// off (its snapshot is in the WAL), and the WAL grows on: the writer then
// checkpoints again only once the WAL has grown by kCheckpointFrames more,
// not after every COMMIT — each of its checkpoints syncs the WAL and the
// database file on the writer's thread, and at every COMMIT that made the
// group commit wait for the disk whenever the operator views were being read.
class Checkpointer {
 public:
  static constexpr int kCheckpointFrames = 1000;  // SQLite's own autocheckpoint default
  static constexpr int kRestartFrames = 4000;     // 16 MiB of WAL

  explicit Checkpointer(sqlite3* db) : db_(db), thread_([this]() { loop(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_one();
    thread_.join();
    sqlite3_close_v2(db_);
  }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // sqlite3_wal_hook callback of the writer connection: runs after each COMMIT.
  // Only the writer connection's COMMITs call it (one at a time): the writer_
  // members need no lock.
  static int on_commit(void* self, sqlite3* writer, const char* schema, int frames) {
    auto* checkpointer = static_cast<Checkpointer*>(self);
    if (frames < checkpointer->writer_frames_)  // the WAL restarted from its beginning
      checkpointer->writer_next_ = kRestartFrames;
    checkpointer->writer_frames_ = frames;
    if (frames >= checkpointer->writer_next_) {
      checkpointer->writer_next_ = frames + kCheckpointFrames;
      sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (frames >= kCheckpointFrames) {
      {
        std::lock_guard lock(checkpointer->mu_);
        checkpointer->wanted_ = true;
      }
      checkpointer->cv_.notify_one();
    }
    return SQLITE_OK;
  }

 private:
  void loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this]() { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;
      lock.unlock();
      // SQLITE_BUSY (another checkpoint running) is harmless: the next COMMIT asks again.
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      lock.lock();
    }
  }

  sqlite3* db_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stopping_ = false;
  int writer_frames_ = 0;             // the WAL's frames after the last COMMIT
  int writer_next_ = kRestartFrames;  // the writer checkpoints itself at this many
  std::thread thread_;                // last: started once the members above exist
};

class SqliteConnection final : public SqlConnection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), wal_path_(std::move(path) + "-wal") {}
  ~SqliteConnection() override {
    if (checkpointer_) sqlite3_wal_hook(db_, nullptr, nullptr);
    checkpointer_.reset();
    forget_statements();
    sqlite3_close_v2(db_);
    if (wal_fd_ >= 0) ::close(wal_fd_);
  }

  // fdatasync of the WAL file through a descriptor of our own: it flushes
  // the file's data whoever wrote it. Re-opened should the file be replaced.
  Status sync() override {
    std::lock_guard lock(sync_mu_);
    struct stat now {};
    if (::stat(wal_path_.c_str(), &now) != 0) {
      if (errno == ENOENT) return ok();  // nothing committed through a WAL yet
      return sync_failure("stat");
    }
    struct stat open_one {};
    if (wal_fd_ >= 0 && (::fstat(wal_fd_, &open_one) != 0 || open_one.st_ino != now.st_ino ||
                         open_one.st_dev != now.st_dev)) {
      ::close(wal_fd_);
      wal_fd_ = -1;
    }
    if (wal_fd_ < 0 && (wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC)) < 0)
      return sync_failure("open");
    if (::fdatasync(wal_fd_) != 0) return sync_failure("fdatasync");
    return ok();
  }

  // Hands WAL checkpoints to a thread with its own connection `other` (to the
  // same database file); replaces SQLite's checkpoint inside COMMIT.
  void checkpoint_in_background(sqlite3* other) {
    checkpointer_ = std::make_unique<Checkpointer>(other);
    sqlite3_wal_hook(db_, &Checkpointer::on_commit, checkpointer_.get());
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
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
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
  Error sync_failure(const char* what) const {
    return make_error("KILN-STORE",
                      fmt::format("sqlite: {} {}: {}", what, wal_path_, std::strerror(errno)),
                      "check the disk holding the store; nothing was acknowledged");
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::string wal_path_;
  std::mutex sync_mu_;
  int wal_fd_ = -1;
};

Expected<sqlite3*> open_database(const std::string& path) {
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
  return db;
}

}  // namespace

Expected<std::unique_ptr<SqlConnection>> open_sqlite(const std::string& path, SqliteRole role) {
  auto db = open_database(path);
  if (!db) return db.error();
  auto conn = std::make_unique<SqliteConnection>(*db, path);
  // 16 MiB of page cache (SQLite's default is 2 MiB): the writer's b-tree
  // interior pages and the runs table stay in memory at 10,000 streaming runs.
  // synchronous=NORMAL: COMMIT does not fsync; SqlRunStore calls sync().
  if (auto s = conn->exec_script(
          "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
          "PRAGMA cache_size=-16384;");
      !s) {
    return s.error();
  }
  if (role == SqliteRole::writer) {
    auto other = open_database(path);
    if (!other) return other.error();
    conn->checkpoint_in_background(*other);
  }
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

}  // namespace kiln::orchestrator
