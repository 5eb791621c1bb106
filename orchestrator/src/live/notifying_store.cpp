#include "live/notifying_store.hpp"

namespace kiln::orchestrator {

void NotifyingRunStore::remember(const RunRow& run) {
  if (run.id.empty() || run.node_uuid.empty()) return;
  std::lock_guard lock(mu_);
  run_node_.try_emplace(run.id, run.node_uuid);
}

Expected<std::optional<RunRow>> NotifyingRunStore::remembered(
    Expected<std::optional<RunRow>> found) {
  if (found && *found) remember(**found);
  return found;
}

Expected<std::vector<RunRow>> NotifyingRunStore::remembered(Expected<std::vector<RunRow>> found) {
  if (found)
    for (const auto& r : *found) remember(r);
  return found;
}

Expected<std::vector<NodeRecord>> NotifyingRunStore::learned(
    Expected<std::vector<NodeRecord>> found) {
  if (found)
    for (const auto& n : *found) feed_.learn_node(n.uuid, n.asset_tag);
  return found;
}

Expected<std::optional<NodeRecord>> NotifyingRunStore::find_node(const std::string& uuid) {
  auto found = inner_.find_node(uuid);
  if (found && *found) feed_.learn_node((*found)->uuid, (*found)->asset_tag);
  return found;
}

Expected<NodePage> NotifyingRunStore::list_nodes_page(const NodePageQuery& query) {
  auto page = inner_.list_nodes_page(query);
  if (page)
    for (const auto& n : page->nodes) feed_.learn_node(n.uuid, n.asset_tag);
  return page;
}

Expected<std::optional<RunRow>> NotifyingRunStore::with_delivery(
    Expected<std::optional<RunRow>> found) {
  if (!found || !*found || (*found)->node_uuid.empty()) return found;
  if (!feed_.knows_node((*found)->node_uuid)) {
    // Once per node and process; a failed read leaves the node unknown (a change of it then
    // concerns every delivery), the run's own answer stands.
    (void)find_node((*found)->node_uuid);
  }
  return found;
}

void NotifyingRunStore::publish(const std::string& run, const std::string& node) {
  std::string of = node;
  if (of.empty() && !run.empty()) {
    std::lock_guard lock(mu_);
    if (auto it = run_node_.find(run); it != run_node_.end()) of = it->second;
  }
  feed_.publish(run, of);
}

Status NotifyingRunStore::published(Status status, const std::string& run,
                                    const std::string& node) {
  if (status) publish(run, node);
  return status;
}

Status NotifyingRunStore::upsert_node(const NodeRecord& node) {
  auto status = inner_.upsert_node(node);
  if (status) feed_.publish_node(node.uuid, node.asset_tag);
  return status;
}

Status NotifyingRunStore::create_run(const RunRow& run) {
  auto status = inner_.create_run(run);
  if (status) {
    remember(run);
    publish(run.id, run.node_uuid);
  }
  return status;
}

Expected<std::optional<RunConflict>> NotifyingRunStore::create_runs(
    const std::vector<RunRow>& runs) {
  auto created = inner_.create_runs(runs);
  if (created && !*created) {  // all of them, in one transaction
    for (const auto& run : runs) {
      remember(run);
      publish(run.id, run.node_uuid);
    }
  }
  return created;
}

Status NotifyingRunStore::set_run_state(const std::string& id, const std::string& state) {
  return published(inner_.set_run_state(id, state), id);
}

Status NotifyingRunStore::set_token_hash(const std::string& id, const std::string& token_hash) {
  return published(inner_.set_token_hash(id, token_hash), id);
}

Status NotifyingRunStore::set_directive(const std::string& id, const std::string& directive) {
  return published(inner_.set_directive(id, directive), id);
}

Expected<RunEvent> NotifyingRunStore::record_boot_event(const RunEvent& event,
                                                        const std::string& boot_id,
                                                        const std::string& instance) {
  auto recorded = inner_.record_boot_event(event, boot_id, instance);
  if (recorded) publish(event.run_id);
  return recorded;
}

Status NotifyingRunStore::record_heartbeat(const std::string& id) {
  return published(inner_.record_heartbeat(id), id);
}

Status NotifyingRunStore::store_report(const std::string& id, const std::string& report,
                                       const std::string& verdict) {
  return published(inner_.store_report(id, report, verdict), id);
}

Status NotifyingRunStore::set_driver_state(const std::string& id, const std::string& driver_state,
                                           const std::string& driver_error) {
  return published(inner_.set_driver_state(id, driver_state, driver_error), id);
}

Expected<IngestResult> NotifyingRunStore::ingest(const std::string& run_id,
                                                 const std::vector<ArtifactLine>& lines) {
  auto result = inner_.ingest(run_id, lines);
  if (result && result->stored > 0) publish(run_id);
  return result;
}

void NotifyingRunStore::ingest_async(const std::string& run_id, std::vector<ArtifactLine> lines,
                                     IngestDone done) {
  inner_.ingest_async(run_id, std::move(lines),
                      [this, run_id, done = std::move(done)](Expected<IngestResult> result) {
                        if (result && result->stored > 0) publish(run_id);
                        done(std::move(result));
                      });
}

Expected<bool> NotifyingRunStore::store_certificate(const CertificateRow& certificate) {
  auto stored = inner_.store_certificate(certificate);
  if (stored && *stored) publish(certificate.run_id, certificate.node_uuid);
  return stored;
}

}  // namespace kiln::orchestrator
