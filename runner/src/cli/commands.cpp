#include "cli/commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli/certificate_output.hpp"
#include "cli/terminal_progress.hpp"
#include "kiln/json_input.hpp"
#include "report/orchestrator_client.hpp"
#include "report/report_json.hpp"
#include "run/burnin_run.hpp"
#include "run/run_resume.hpp"
#include "stage/decommission_gate.hpp"

namespace kiln::runner {
namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop.store(true);
}

void print_error(const Error& e) {
  fmt::print(stderr, "kiln-runner: error: {}\n", e.message);
  if (!e.remedy.empty()) fmt::print(stderr, "  what to do: {}\n", e.remedy);
}

Expected<FruInfo> fru_from(HostAdapter& host, const CommonOptions& opts) {
  FruSource source;
  source.file = opts.fru_file;
  if (!opts.bmc.empty()) {
    auto lan = parse_bmc_address(opts.bmc, opts.bmc_user, opts.bmc_password);
    if (!lan) return lan.error();
    source.lan = *lan;
  }
  return read_fru(host, source);
}

Expected<RunPlan> plan_from(HostAdapter& host, const CommonOptions& opts,
                            const std::optional<std::string>& profile, FruInfo& fru_out) {
  auto configs = load_config_dir(opts.config_dir);
  if (!configs) return configs.error();
  auto fru = fru_from(host, opts);
  if (!fru) return fru.error();
  fru_out = *fru;
  return plan_run(*configs, *fru, profile);
}

// What the runner tells the orchestrator about this node when it registers.
nlohmann::json registration_body(HostAdapter& host, const NodeIdentity& node,
                                 const std::string& uuid) {
  nlohmann::json macs = nlohmann::json::array();
  if (auto names = host.list_dir("/sys/class/net")) {
    for (const auto& name : *names) {
      auto mac = host.read_file("/sys/class/net/" + name + "/address");
      if (!mac || name == "lo") continue;
      std::string m = mac->substr(0, mac->find('\n'));
      if (!m.empty() && m != "00:00:00:00:00:00") macs.push_back(m);
    }
  }
  return {{"node",
           {{"ironic_uuid", uuid},
            {"asset_tag", node.fru.product_asset_tag},
            {"serial", node.fru.product_serial},
            {"dmi_serial", node.dmi_system_serial},
            {"macs", macs}}}};
}

}  // namespace

std::string default_config_dir() {
  if (const char* env = std::getenv("KILN_CONFIG_DIR"); env != nullptr && *env != '\0') return env;
  if (std::filesystem::is_directory("/etc/kiln/profiles")) return "/etc/kiln";
  return KILN_CONFIG_DIR;
}

int cmd_fru(const CommonOptions& opts) {
  SystemHostAdapter host(opts.sysroot);
  auto fru = fru_from(host, opts);
  if (!fru) {
    print_error(fru.error());
    return 2;
  }
  fmt::print(
      "Product Asset Tag : {}\nProduct Serial    : {}\nProduct Name      : {}\n"
      "Manufacturer      : {}\nBoard Serial      : {}\nChassis Serial    : {}\n",
      fru->product_asset_tag, fru->product_serial, fru->product_name, fru->product_manufacturer,
      fru->board_serial, fru->chassis_serial);
  return 0;
}

int cmd_plan(const CommonOptions& opts, const std::optional<std::string>& profile) {
  SystemHostAdapter host(opts.sysroot);
  FruInfo fru;
  auto plan = plan_from(host, opts, profile, fru);
  if (!plan) {
    print_error(plan.error());
    return 2;
  }
  fmt::print("{}", describe_plan(*plan));
  return 0;
}

int cmd_stages() {
  for (const auto& info : StageRegistry::instance().list()) {
    fmt::print("{}{}\n  {}\n", info.name, info.destructive ? " [destructive]" : "",
               info.description);
    for (const auto& p : info.params) {
      fmt::print("    {:<18} {:<9} default {:<10} {}\n", p.name, to_string(p.type),
                 p.default_value.empty() ? "\"\"" : p.default_value, p.description);
    }
  }
  return 0;
}

std::string read_boot_id(HostAdapter& host, const std::string& file, std::string_view without_it) {
  std::string id = read_trimmed(host, file);
  if (id.empty())
    fmt::print(stderr, "kiln-runner: warning: no boot id in {}: {}\n", file, without_it);
  return id;
}

int cmd_run(const CommonOptions& opts, const RunCommandOptions& run) {
  if (run.decommission && run.mode == "burnin") {
    print_error(make_error("KILN-CLI", "--decommission contradicts --mode burnin",
                           "a node in burn-in mode never wipes: drop one of them"));
    return 2;
  }
  if (!run.mode.empty() && run.mode != "burnin" && run.mode != "decommission") {
    print_error(
        make_error("KILN-CLI", fmt::format("--mode '{}' is not burnin or decommission", run.mode)));
    return 2;
  }
  DecommissionRequest decommission;
  decommission.mode = run.decommission ? "decommission" : run.mode.empty() ? "burnin" : run.mode;
  decommission.i_know_this_wipes = run.i_know_this_wipes;
  decommission.with_orchestrator = !run.orchestrator_url.empty();
  SystemHostAdapter host(opts.sysroot);
  FruInfo fru;
  auto plan = plan_from(host, opts, profile_for_mode(decommission.mode, run.profile), fru);
  if (!plan) {
    print_error(plan.error());
    return 2;
  }
  if (auto refusal = decommission_profile_refusal(decommission.mode, plan->config.profile);
      !refusal.empty()) {
    print_error(make_error("KILN-DECOMMISSION", refusal));
    return 2;
  }
  std::filesystem::path out(run.out_dir);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  // ocptv.jsonl is written by the orchestrator reporter (it is also its spool) or directly.
  std::unique_ptr<OrchestratorReporter> reporter;
  std::ofstream stream;
  if (!run.orchestrator_url.empty()) {
    OrchestratorOptions orchestrator;
    orchestrator.url = run.orchestrator_url;
    orchestrator.token = run.token;
    orchestrator.ca_file = run.ca_file;
    orchestrator.node_uuid = run.node_uuid;
    orchestrator.boot_id =
        read_boot_id(host, run.boot_id_file, "after a reboot this run cannot be continued");
    orchestrator.spool = out / "ocptv.jsonl";
    orchestrator.abort_flag = &g_stop;
    reporter = std::make_unique<OrchestratorReporter>(orchestrator);
    if (auto opened = reporter->open(); ec || !opened) {
      print_error(make_error("KILN-OUTPUT", fmt::format("cannot write to {}", out.string())));
      return 2;
    }
  } else {
    stream.open(out / "ocptv.jsonl", std::ios::trunc);
    if (ec || !stream) {
      print_error(make_error("KILN-OUTPUT", fmt::format("cannot write to {}", out.string())));
      return 2;
    }
  }
  ocptv::Writer writer([&stream, &reporter](const std::string& line) {
    if (reporter) return reporter->write_line(line);
    stream << line << '\n' << std::flush;
  });

  RunOptions options;
  options.disks = run.disks;
  options.destructive_confirmed = run.i_know_this_wipes;
  options.bmc_host = opts.bmc;
  options.bmc_user = opts.bmc_user;
  options.bmc_password = opts.bmc_password;
  options.out_dir = out;
  options.config_dir = opts.config_dir;
  options.mode = decommission.mode;
  options.operator_name = run.operator_name;
  if (const char* env = std::getenv("KILN_OPERATOR");
      options.operator_name.empty() && env != nullptr) {
    options.operator_name = env;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  NodeIdentity node = identify_node(host, fru);
  std::optional<RunResume> resume;
  if (reporter) {
    reporter->start(registration_body(host, node, run.node_uuid));  // + boot id, instance
    auto registered = reporter->registration(std::chrono::seconds(10));
    if (registered) {
      auto parsed = parse_resume(*registered);
      if (!parsed) {
        print_error(parsed.error());
      } else if (*parsed) {
        resume = std::move(*parsed);
        fmt::print(stderr, "kiln-runner: {}\n", describe_resume(*resume));
      }
    }
    const auto* directive = registered ? json_path(*registered, {"directive"}) : nullptr;
    if (directive != nullptr && json_bool(*directive, "destructive_go_ahead") == true) {
      options.destructive_confirmed = true;  // Ironic confirmed the node is in burn-in
    }
    if (directive != nullptr) decommission.directive = *directive;
    if (directive != nullptr && options.operator_name.empty()) {
      options.operator_name = json_string(*directive, "operator").value_or("");
    }
  }
  auto decided = decide_decommission(decommission);
  options.decommission_confirmed = decided.confirmed;
  options.decommission_refusal = decided.refusal;
  if (decommission.mode == "decommission") {
    fmt::print(stderr, "kiln-runner: decommission mode: {}\n",
               decided.confirmed ? "CONFIRMED, the disks given with --disk will be wiped"
                                 : "not confirmed: " + decided.refusal);
  }
  TerminalProgress terminal(isatty(STDERR_FILENO) == 1);
  RunRecord record = execute_run(host, *plan, node, options, writer, run.command_line,
                                 terminal.observer(), &g_stop, resume ? &*resume : nullptr);

  auto report = build_report(record);
  std::ofstream report_file(out / "report.json", std::ios::trunc);
  report_file << report.dump(2) << '\n';
  if (!report_file.flush()) {
    print_error(
        make_error("KILN-OUTPUT", fmt::format("cannot write {}", (out / "report.json").string())));
    return 2;
  }
  if (reporter) {
    if (auto sent = reporter->finish(report, std::chrono::seconds(run.flush_timeout_s)); !sent) {
      print_error(sent.error());
    }
  }
  fmt::print("\n{}\nreport: {}\nOCPTV stream: {}\n", verdict_table(record),
             std::filesystem::absolute(out / "report.json").string(),
             std::filesystem::absolute(out / "ocptv.jsonl").string());
  if (options.mode == "decommission" && is_decommission_run(record)) {
    CertificateContext context{options.operator_name, reporter ? reporter->run_id() : "",
                               run.node_uuid};
    auto cert = write_certificate(record, context, out, run.signing_key, reporter.get());
    if (!cert) {
      print_error(cert.error());
      if (!std::filesystem::exists(out / "certificate.json")) return 2;
      fmt::print("certificate (UNSIGNED): {}\n",
                 std::filesystem::absolute(out / "certificate.json").string());
    } else {
      fmt::print("certificate{}: {}\ncertificate page: {}\n",
                 cert->signed_by.empty() ? " (UNSIGNED: pass --signing-key FILE to sign it)"
                                         : ", signed by " + cert->signed_by,
                 std::filesystem::absolute(cert->json_path).string(),
                 std::filesystem::absolute(cert->html_path).string());
    }
  }
  return exit_code_for(record.outcome);
}

}  // namespace kiln::runner
