#include "agent/agent_service.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <thread>

#include "agent/agent_api.hpp"
#include "agent/agent_log.hpp"
#include "agent/agent_tls.hpp"
#include "agent/http_server.hpp"
#include "agent/interrupted_step.hpp"
#include "agent/ironic_session.hpp"
#include "agent/log_archive.hpp"
#include "host/command_cancel.hpp"
#include "kiln/json_input.hpp"
#include "kiln/version.hpp"
#include "run/reboot_evidence.hpp"

namespace kiln::runner::agent {
namespace {

constexpr std::size_t kMaxLogArchiveInput = 48U * 1024U * 1024U;
const char* const kHardwareManager = "KilnHardwareManager";

nlohmann::json manager_version() {
  return {{kHardwareManager, std::string(kiln_version())}};
}

// Everything a step command needs, shared by the command handlers.
struct AgentContext {
  const AgentOptions& options;
  SystemHostAdapter host;
  AgentLog& log;
  std::mutex mu;
  StepEnvironment env;                 // node_uuid filled in at lookup
  std::atomic<bool> step_stop{false};  // the running step's abort flag
};

// A step command's command_result as Ironic reads it: {"clean_result": the
// run's figures, "clean_step": the step it ran} (deploy_* for deploy steps).
void as_step_result(CommandOutput& out, const std::string& kind, const nlohmann::json& step) {
  nlohmann::json result = std::move(out.result);
  out.result = {{kind + "_result", std::move(result)}, {kind + "_step", step}};
}

// clean.execute_clean_step / deploy.execute_deploy_step.
CommandOutput run_step_command(AgentContext& ctx, const std::string& kind,
                               const nlohmann::json& params) {
  const auto* step = json_path(params, {"step"});
  const std::string name = step != nullptr ? json_string(*step, "step").value_or("") : "";
  if (name.empty())
    return CommandOutput::failure(fmt::format("Malformed {}_step, no \"step\" key", kind));
  const auto* version = json_path(params, {kind + "_version"});
  if (version != nullptr && version->is_object() && *version != manager_version()) {
    CommandOutput out =
        CommandOutput::failure(fmt::format("kiln's agent is {} now, the {} began with {}",
                                           manager_version().dump(), kind, version->dump()));
    out.status = CommandStatus::kVersionMismatch;
    out.error_type = "VersionMismatch";
    return out;
  }
  const auto* args = json_path(*step, {"args"});
  const auto* driver_info = json_path(params, {"node", "driver_info"});
  auto plan = plan_step(name, args != nullptr ? *args : nlohmann::json(nullptr),
                        driver_info != nullptr ? *driver_info : nlohmann::json::object());
  if (!plan) {
    CommandOutput out = CommandOutput::failure(plan.error().message);
    out.error_type = "InvalidCommandParamsError";
    return out;
  }
  StepEnvironment env;
  {
    std::lock_guard lock(ctx.mu);
    env = ctx.env;
  }
  ctx.step_stop.store(false);
  ctx.log.line(fmt::format("{} step {} starts (node {})", kind, name, env.node_uuid));
  write_step_marker(env.out_dir, {env.boot_id, "deploy." + name, ""});
  CommandOutput out = execute_step(ctx.host, env, *plan, ctx.step_stop);
  remove_step_marker(env.out_dir);
  ctx.log.line(fmt::format("{} step {} ended {}: {}", kind, name, to_string(out.status),
                           out.status == CommandStatus::kSucceeded
                               ? json_string(out.result, "verdict").value_or("")
                               : out.details));
  as_step_result(out, kind, *step);
  return out;
}

// The kiln step Ironic still counts as running from an earlier boot: with an
// orchestrator the step runs again and the orchestrator's answer says where
// the run stands (the delivery's on_unexpected_reboot decides); without one
// the step fails with what the SEL, pstore and EDAC show.
CommandOutput resume_interrupted(AgentContext& ctx, const InterruptedStep& step) {
  StepEnvironment env;
  {
    std::lock_guard lock(ctx.mu);
    env = ctx.env;
  }
  auto marker = read_step_marker(env.out_dir);
  const bool same_boot = marker && !env.boot_id.empty() && marker->boot_id == env.boot_id;
  remove_step_marker(env.out_dir);
  const auto* args = json_path(step.step, {"args"});
  auto plan = plan_step(step.name, args != nullptr ? *args : nlohmann::json(nullptr),
                        nlohmann::json::object());
  if (plan && (!plan->kiln_url.empty() || !env.kiln_url.empty())) {
    ctx.log.line(
        fmt::format("Ironic's {} step {} was running on an earlier {}: running it again, "
                    "the orchestrator says where its run stands",
                    step.kind, step.id, same_boot ? "agent of this boot" : "boot"));
    return run_step_command(ctx, step.kind, {{"step", step.step}});
  }
  RunOptions options;
  options.bmc_host = env.bmc;
  options.bmc_user = env.bmc_user;
  options.bmc_password = env.bmc_password;
  std::string summary;
  if (!same_boot) {
    std::error_code ec;
    const auto log_dir = env.out_dir / "reboot-evidence";
    std::filesystem::create_directories(log_dir, ec);
    summary =
        collect_reboot_evidence(ctx.host, options, log_dir, evidence_since(marker, step)).summary();
  }
  CommandOutput out = interrupted_step_output(step, same_boot, summary);
  as_step_result(out, step.kind, step.step);
  ctx.log.line(fmt::format("Ironic's {} step {} was running on an earlier {}: FAILED: {}",
                           step.kind, step.id, same_boot ? "agent of this boot" : "boot",
                           out.details));
  return out;
}

CommandOutput collect_logs(AgentContext& ctx) {
  auto files = collect_files(ctx.options.steps.out_dir, "kiln", kMaxLogArchiveInput);
  auto tar = tar_archive(files, std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  if (!tar) return CommandOutput::failure(tar.error().message);
  auto gz = gzip_compress(*tar);
  if (!gz) return CommandOutput::failure(gz.error().message);
  ctx.log.line(fmt::format("log.collect_system_logs: {} files, {} bytes compressed", files.size(),
                           gz->size()));
  return CommandOutput::success({{"system_logs", base64_encode(*gz)}});
}

CommandOutput power_command(AgentContext& ctx, const std::string& what) {
  if (!ctx.options.allow_power_off) {
    ctx.log.line(fmt::format(
        "standby.{}: asked by Ironic; not done (no --allow-power-off: a test or debug agent)",
        what));
    return CommandOutput::success(
        {{"result", fmt::format("{}: not done, kiln agent without --allow-power-off", what)}});
  }
  ctx.log.line(fmt::format("standby.{}: in 2 s", what));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto ran = ctx.host.run({{what == "reboot" ? "reboot" : "poweroff", "-f"},
                           std::chrono::seconds(30),
                           std::nullopt,
                           std::nullopt});
  if (!ran || !ran->exited_with(0)) {
    return CommandOutput::failure(
        fmt::format("{} -f failed: {}", what, ran ? ran->describe() : ran.error().message));
  }
  return CommandOutput::success({{"result", what}});
}

void add_commands(CommandDispatcher& d, AgentContext& ctx) {
  d.add("clean.get_clean_steps", false, [](const nlohmann::json&) {
    return CommandOutput::success({{"clean_steps", {{kHardwareManager, steps_json(false)}}},
                                   {"hardware_manager_version", manager_version()}});
  });
  d.add("deploy.get_deploy_steps", false, [](const nlohmann::json&) {
    return CommandOutput::success({{"deploy_steps", {{kHardwareManager, steps_json(true)}}},
                                   {"hardware_manager_version", manager_version()}});
  });
  d.add("clean.execute_clean_step", true,
        [&ctx](const nlohmann::json& p) { return run_step_command(ctx, "clean", p); });
  d.add("deploy.execute_deploy_step", true,
        [&ctx](const nlohmann::json& p) { return run_step_command(ctx, "deploy", p); });
  d.add("log.collect_system_logs", false,
        [&ctx](const nlohmann::json&) { return collect_logs(ctx); });
  d.add("standby.sync", false, [&ctx](const nlohmann::json&) {
    auto ran = ctx.host.run({{"sync"}, std::chrono::minutes(5), std::nullopt, std::nullopt});
    if (!ran || !ran->exited_with(0)) return CommandOutput::failure("sync failed");
    return CommandOutput::success(nullptr);
  });
  d.add("standby.power_off", true,
        [&ctx](const nlohmann::json&) { return power_command(ctx, "power_off"); });
  d.add("standby.reboot", true,
        [&ctx](const nlohmann::json&) { return power_command(ctx, "reboot"); });
}

}  // namespace

std::optional<std::string> mac_from_bootif(const std::string& bootif) {
  std::string text = bootif;
  if (text.size() == 20 && text.compare(0, 3, "01-") == 0) text = text.substr(3);
  if (text.size() != 17) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i % 3 == 2) {
      if (c != '-' && c != ':') return std::nullopt;
      text[i] = ':';
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    } else {
      text[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return text;
}

std::vector<std::string> host_macs(HostAdapter& host) {
  std::vector<std::string> macs;
  auto names = host.list_dir("/sys/class/net");
  if (!names) return macs;
  for (const auto& name : *names) {
    if (name == "lo") continue;
    std::string mac = read_trimmed(host, "/sys/class/net/" + name + "/address");
    if (auto m = mac_from_bootif(mac); m && *m != "00:00:00:00:00:00") macs.push_back(*m);
  }
  return macs;
}

int run_agent(const AgentOptions& options, std::atomic<bool>& stop) {
  std::error_code ec;
  std::filesystem::create_directories(options.steps.out_dir, ec);
  AgentLog log(options.steps.out_dir / "agent.log");
  auto listen = parse_listen_address(options.listen);
  if (!listen) {
    log.line(listen.error().message);
    return 2;
  }
  AgentContext ctx{options, SystemHostAdapter(options.sysroot), log, {}, options.steps, {}};
  ctx.env.out_dir = std::filesystem::absolute(ctx.env.out_dir, ec);
  cancel_commands_when(&ctx.step_stop);  // an aborted step's tools are killed, not waited for
  CommandLog commands;
  CommandDispatcher dispatcher(commands);
  add_commands(dispatcher, ctx);
  AgentToken token;
  AgentApi api(commands, dispatcher, token, std::string(kiln_version()));
  auto server = HttpServer::start(
      listen->first, listen->second, [&api](const HttpRequest& r) { return api.handle(r); },
      options.tls);
  if (!server) {
    log.line(server.error().message);
    return 2;
  }
  std::string callback = options.advertise;
  if (callback.empty()) {
    std::string host =
        listen->first == "0.0.0.0" || listen->first == "::" ? "127.0.0.1" : listen->first;
    callback = fmt::format("{}://{}:{}", options.tls ? "https" : "http",
                           host.find(':') != std::string::npos ? "[" + host + "]" : host,
                           (*server)->port());
  }
  if (options.tls) {
    if (callback.rfind("https://", 0) != 0) {
      log.line(fmt::format("--advertise {}: with --tls auto the callback URL must be https://",
                           callback));
      return 2;
    }
    if (auto trial = agent_certificate(url_host(callback), "trial", "trial"); !trial) {
      log.line(trial.error().message);
      return 2;
    }
  }
  log.line(fmt::format("kiln {} agent: API on {}:{}, callback {}, Ironic {}, MACs {}",
                       kiln_version(), listen->first, (*server)->port(), callback, options.api_url,
                       fmt::format("{}", fmt::join(options.macs, ","))));
  IronicRamdiskClient client(options.api_url, options.ironic_ca, options.global_request_id);
  IronicSession session(client, options.macs, callback, fmt::format("kiln-{}", kiln_version()),
                        options.preset_token, log);
  commands.on_async_end([&session] { session.heartbeat_soon(); });
  SessionHooks hooks;
  std::atomic<bool> checked_interrupted{false};
  std::string last_token;  // the session thread's own
  hooks.started = [&](const LookupReply& reply) {
    // Another cleaning or deployment (a new token): Ironic expects the agent
    // it talks to to hold none of the earlier one's commands.
    if (!last_token.empty() && reply.agent_token != last_token && commands.forget_finished())
      log.line("a new session: the earlier session's commands are forgotten");
    last_token = reply.agent_token;
    {
      std::lock_guard lock(ctx.mu);
      ctx.env.node_uuid = reply.node_uuid;
    }
    if (!commands.running()) ctx.step_stop.store(false);
    if (options.tls) {
      auto cert = agent_certificate(url_host(callback), reply.agent_token, reply.node_uuid);
      auto set =
          cert ? (*server)->set_certificate(cert->cert_pem, cert->key_pem) : Status(cert.error());
      if (set) {
        session.set_verify_ca(cert->cert_pem);
      } else {
        log.line(set.error().message);
      }
    }
    token.set(reply.agent_token);
    // Once per agent: a step of an earlier boot (or agent) Ironic still waits for.
    if (!checked_interrupted.exchange(true) && commands.list_json().empty()) {
      if (auto step = interrupted_step(reply.driver_internal_info)) {
        commands.start(
            fmt::format("execute_{}_step", step->kind),
            [&ctx, s = *step] { return resume_interrupted(ctx, s); }, true);
      }
    }
  };
  hooks.ended = [&](const std::string& why) {
    token.clear();
    if (auto running = commands.running()) {
      log.line(fmt::format("stopping the running {} ({})", *running, why));
      ctx.step_stop.store(true);
    }
  };
  std::thread watcher([&] {
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ctx.step_stop.store(true);
    session.wake();
  });
  session.run(stop, hooks);
  watcher.join();
  log.line("stopping");
  (*server)->stop();
  cancel_commands_when(nullptr);
  return 0;
}

}  // namespace kiln::runner::agent
