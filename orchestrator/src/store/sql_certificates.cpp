// SqlRunStore: decommission certificates (one per run, first one wins).
#include <fmt/format.h>

#include "store/sql_run_store.hpp"

namespace kiln::orchestrator {
namespace {

const char* const kCertificateColumns =
    "run_id, node_uuid, body_sha256, key_id, document, created_at";

CertificateRow certificate_from(const SqlRow& r) {
  return CertificateRow{sql_text(r, 0), sql_text(r, 1), sql_text(r, 2),
                        sql_text(r, 3), sql_text(r, 4), sql_text(r, 5)};
}

}  // namespace

Expected<bool> SqlRunStore::store_certificate(const CertificateRow& c) {
  std::lock_guard lock(mu_);
  auto inserted =
      conn_->query(fmt::format("INSERT INTO certificates ({}) VALUES ($1, $2, $3, $4, $5, $6) "
                               "ON CONFLICT (run_id) DO NOTHING RETURNING run_id",
                               kCertificateColumns),
                   {c.run_id, c.node_uuid, c.body_sha256, c.key_id, c.document,
                    c.created_at.empty() ? utc_now() : c.created_at});
  if (!inserted) return inserted.error();
  if (auto synced = conn_->sync(); !synced) return synced.error();
  return !inserted->empty();
}

Expected<std::optional<CertificateRow>> SqlRunStore::find_certificate(const std::string& run_id) {
  std::lock_guard lock(mu_);
  auto rows = conn_->query(
      fmt::format("SELECT {} FROM certificates WHERE run_id = $1", kCertificateColumns), {run_id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<CertificateRow>();
  return std::optional<CertificateRow>(certificate_from(rows->front()));
}

Expected<std::optional<CertificateRow>> SqlRunStore::latest_certificate(
    const std::string& node_uuid) {
  std::lock_guard lock(mu_);
  // created_at has a one-second resolution: the run's own creation order breaks ties.
  auto rows = conn_->query(
      "SELECT c.run_id, c.node_uuid, c.body_sha256, c.key_id, c.document, c.created_at "
      "FROM certificates c LEFT JOIN runs r ON r.id = c.run_id WHERE c.node_uuid = $1 "
      "ORDER BY c.created_at DESC, r.created_at DESC, c.run_id DESC LIMIT 1",
      {node_uuid});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<CertificateRow>();
  return std::optional<CertificateRow>(certificate_from(rows->front()));
}

}  // namespace kiln::orchestrator
