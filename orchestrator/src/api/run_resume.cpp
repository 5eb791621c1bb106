#include "api/run_resume.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "kiln/json_input.hpp"
#include "liveness/runner_timeout.hpp"

namespace kiln::orchestrator {
namespace {

constexpr std::size_t kMaxLine = 16U * 1024U * 1024U;

struct StageStart {
  long long seq = -1;
  std::string name;
  std::string at;
};

struct StreamFacts {
  nlohmann::json completed = nlohmann::json::array();
  std::vector<std::pair<long long, std::string>> completed_at;  // seq, stage name
  std::optional<StageStart> last_start;
  std::string last_progress_at;  // timestamp of the newest progress line
};

std::optional<nlohmann::json> parsed_line(const ArtifactLine& a) {
  auto j = parse_json(a.line, "stored artifact", kMaxLine);
  if (!j || !j->is_object()) return std::nullopt;
  return std::move(*j);
}

// "2026-12-03T12:00:00.123456Z" -> the time; microseconds are dropped.
std::optional<std::chrono::system_clock::time_point> time_of(const std::string& text) {
  if (text.size() < 19) return std::nullopt;
  return parse_utc(text.substr(0, 19) + "Z");
}

Expected<StreamFacts> stream_facts(RunStore& store, const std::string& run_id) {
  StreamFacts facts;
  auto outcomes = store.artifacts_containing(run_id, kStageOutcomeExtension);
  if (!outcomes) return outcomes.error();
  for (const auto& a : *outcomes) {
    auto j = parsed_line(a);
    const auto* ext = j ? json_path(*j, {"testStepArtifact", "extension"}) : nullptr;
    if (ext == nullptr || json_string(*ext, "name") != kStageOutcomeExtension) continue;
    const auto* content = json_path(*ext, {"content"});
    if (content == nullptr || !content->is_object()) continue;
    auto name = json_string(*content, "stage");
    if (!name) continue;
    facts.completed.push_back(*content);
    facts.completed_at.emplace_back(a.seq, *name);
  }
  auto starts = store.artifacts_containing(run_id, "\"testStepStart\"");
  if (!starts) return starts.error();
  for (auto it = starts->rbegin(); it != starts->rend() && !facts.last_start; ++it) {
    auto j = parsed_line(*it);
    const auto* start = j ? json_path(*j, {"testStepArtifact", "testStepStart"}) : nullptr;
    if (start == nullptr) continue;
    facts.last_start = StageStart{it->seq, json_string(*start, "name").value_or(""),
                                  json_string(*j, "timestamp").value_or("")};
  }
  auto progress = store.artifacts_containing(run_id, "-progress\"");
  if (!progress) return progress.error();
  if (!progress->empty()) {
    if (auto j = parsed_line(progress->back()))
      facts.last_progress_at = json_string(*j, "timestamp").value_or("");
  }
  return facts;
}

// The stage that was running: the newest step started and not ended with an outcome.
nlohmann::json interrupted_json(const RunRow& run, const StreamFacts& facts) {
  if (!facts.last_start || facts.last_start->name.empty()) return nullptr;
  const StageStart& start = *facts.last_start;
  for (const auto& [seq, name] : facts.completed_at) {
    if (seq > start.seq && name == start.name) return nullptr;  // it finished
  }
  // The newest sign of life: a heartbeat or a progress line.
  std::string last_heard = run.last_heartbeat;
  auto heard = time_of(last_heard);
  if (auto p = time_of(facts.last_progress_at); p && (!heard || *p > *heard)) {
    heard = p;
    last_heard = facts.last_progress_at.substr(0, 19) + "Z";
  }
  nlohmann::json j{{"stage", start.name},
                   {"progress", run.stage == start.name ? run.progress : 0.0},
                   {"stage_started", start.at},
                   {"last_heard", last_heard}};
  auto started = time_of(start.at);
  if (started && heard) {
    j["elapsed_s"] = std::max<long long>(
        0, std::chrono::duration_cast<std::chrono::seconds>(*heard - *started).count());
  }
  return j;
}

nlohmann::json event_json(const RunEvent& e) {
  auto detail = nlohmann::json::parse(e.detail, nullptr, false);  // our own column
  nlohmann::json j = detail.is_object() ? detail : nlohmann::json::object();
  j["seq"] = e.seq;
  j["kind"] = e.kind;
  j["at"] = e.at;
  j["acknowledged"] = e.acknowledged;
  j["lost_sequence_numbers"] = e.lost;
  return j;
}

}  // namespace

Expected<nlohmann::json> run_events_json(RunStore& store, const std::string& run_id) {
  auto events = store.run_events(run_id);
  if (!events) return events.error();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : *events) out.push_back(event_json(e));
  return out;
}

Expected<nlohmann::json> resume_run(RunStore& store, const RunRow& run, const std::string& boot_id,
                                    const std::string& instance, const std::string& policy) {
  auto facts = stream_facts(store, run.id);
  if (!facts) return facts.error();
  auto events = store.run_events(run.id);
  if (!events) return events.error();
  const std::string kind = boot_id == run.boot_id ? "runner_restart" : "unexpected_reboot";
  nlohmann::json interrupted = interrupted_json(run, *facts);

  // The same runner process registering again (older runners: the same boot
  // with nothing streamed since its event): the answer to its registration
  // was lost, it is no second restart.
  const bool same_process = instance.empty()
                                ? !events->empty() && events->back().acknowledged == run.acked_seq
                                : instance == run.runner_instance;
  const bool repeat = !events->empty() && boot_id == run.boot_id && same_process;
  RunEvent event;
  if (repeat) {
    event = events->back();
    const auto detail = event_json(event);
    interrupted = detail.contains("interrupted") ? detail["interrupted"] : nlohmann::json();
  } else {
    nlohmann::json completed_names = nlohmann::json::array();
    for (const auto& c : facts->completed) completed_names.push_back(c.value("stage", ""));
    const nlohmann::json detail{{"boot_id", boot_id},
                                {"previous_boot_id", run.boot_id},
                                {"interrupted", interrupted},
                                {"completed_stages", completed_names},
                                {"policy", policy}};
    auto recorded = store.record_boot_event(RunEvent{run.id, 0, kind, utc_now(), detail.dump()},
                                            boot_id, instance);
    if (!recorded) return recorded.error();
    event = *recorded;
    events->push_back(event);
  }
  nlohmann::json all_events = nlohmann::json::array();
  for (const auto& e : *events) all_events.push_back(event_json(e));
  return nlohmann::json{{"kind", event.kind},
                        {"event", event.seq},
                        {"next_sequence", event.acknowledged + 1},
                        {"acknowledged", event.acknowledged},
                        {"lost_sequence_numbers", event.lost},
                        {"completed_stages", facts->completed},
                        {"interrupted", interrupted},
                        {"policy", policy},
                        {"run_started", run.created_at},
                        {"events", all_events}};
}

}  // namespace kiln::orchestrator
