// kiln-runner: burns in the machine it runs on.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "kiln/version.hpp"
#include "stage/stage.hpp"

int main(int argc, char** argv) {
  using namespace kiln::runner;
  register_builtin_stages();

  CLI::App app{
      "kiln-runner: bare-metal burn-in (reads the FRU, resolves the delivery's config, runs "
      "the stages, writes an OCPTV stream and a report)"};
  app.set_version_flag("--version", std::string(kiln::kiln_version()));
  app.require_subcommand(1);

  CommonOptions common;
  common.config_dir = default_config_dir();
  auto add_common = [&common](CLI::App* cmd) {
    cmd->add_option("--config", common.config_dir,
                    "configuration directory (profiles/, deliveries/)")
        ->capture_default_str();
    auto* file =
        cmd->add_option("--fru-file", common.fru_file, "read a saved `ipmitool fru print` output");
    cmd->add_option("--bmc", common.bmc,
                    "read the FRU over IPMI LAN from HOST[:PORT] (lanplus, -C 3)")
        ->excludes(file);
    cmd->add_option("--bmc-user", common.bmc_user, "BMC user")->capture_default_str();
    cmd->add_option("--bmc-password", common.bmc_password, "BMC password (or $KILN_BMC_PASSWORD)")
        ->envname("KILN_BMC_PASSWORD");
    cmd->add_option("--sysroot", common.sysroot, "root under which /sys and /proc are read (tests)")
        ->capture_default_str();
  };

  auto* fru = app.add_subcommand("fru", "print the FRU identity (in-band unless --bmc/--fru-file)");
  add_common(fru);

  std::optional<std::string> plan_profile;
  auto* plan =
      app.add_subcommand("plan", "print the resolved delivery, profile and stages; runs nothing");
  add_common(plan);
  plan->add_option("--profile", plan_profile, "use this profile instead of the delivery's");

  RunCommandOptions run;
  auto* run_cmd = app.add_subcommand("run", "burn in this machine");
  add_common(run_cmd);
  run_cmd->add_option("--profile", run.profile, "use this profile instead of the delivery's");
  run_cmd->add_option("--out", run.out_dir, "output directory for ocptv.jsonl, report.json, logs/")
      ->capture_default_str();
  run_cmd->add_option("--disk", run.disks, "target block device for disk stages (repeatable)");
  run_cmd->add_flag("--i-know-this-wipes", run.i_know_this_wipes,
                    "standalone mode: allow destructive stages the profile enables");
  run_cmd
      ->add_option("--mode", run.mode, "burnin (default: never wipes) or decommission (kiln.mode)")
      ->check(CLI::IsMember({"burnin", "decommission"}));
  run_cmd->add_flag("--decommission", run.decommission,
                    "decommission this machine (same as --mode decommission); standalone it also "
                    "needs --i-know-this-wipes");
  run_cmd->add_option("--operator", run.operator_name,
                      "who runs the decommission (or $KILN_OPERATOR)");
  run_cmd->add_option("--signing-key", run.signing_key,
                      "Ed25519 private key (PEM) that signs the certificate in standalone runs");
  auto* orch = run_cmd->add_option("--orchestrator", run.orchestrator_url,
                                   "report to kiln-orchestrator at this URL (kiln.url)");
  run_cmd->add_option("--token", run.token, "this node's burn-in token (kiln.token)")
      ->needs(orch)
      ->envname("KILN_TOKEN");
  run_cmd->add_option("--node", run.node_uuid, "Ironic node UUID (kiln.node)")->needs(orch);
  run_cmd
      ->add_option("--ca", run.ca_file,
                   "CA certificate (PEM) an https:// orchestrator is verified against (kiln.ca)")
      ->needs(orch)
      ->envname("KILN_CA");
  run_cmd
      ->add_option("--boot-id-file", run.boot_id_file,
                   "where this boot's id is read (a reboot is told from a runner restart by it)")
      ->capture_default_str();
  run_cmd
      ->add_option("--flush-timeout", run.flush_timeout_s,
                   "seconds to wait at the end for the orchestrator to take everything")
      ->capture_default_str();

  AgentCommandOptions agent;
  auto* agent_cmd = app.add_subcommand(
      "agent",
      "serve the Ironic agent API: Ironic runs kiln_burnin, burnin_* and kiln_decommission as "
      "clean or "
      "deploy steps (kiln's image starts this when the kernel command line has ipa-api-url=)");
  add_common(agent_cmd);
  agent_cmd->add_option("--api-url", agent.api_url, "Ironic API URL (ipa-api-url=)")->required();
  agent_cmd->add_option("--mac", agent.macs,
                        "MAC to look the node up by (repeatable; BOOTIF= form too; "
                        "default: every NIC's)");
  agent_cmd->add_option("--listen", agent.listen, "HOST:PORT of the agent API (port 0: a free one)")
      ->capture_default_str();
  agent_cmd->add_option("--advertise", agent.advertise,
                        "callback URL given to Ironic (default: http(s)://LISTEN-HOST:PORT)");
  agent_cmd
      ->add_option("--tls", agent.tls,
                   "auto: serve https with a certificate of the agent's own, sent to Ironic as "
                   "agent_verify_ca (IPA's automatic TLS; Ironic's [agent] require_tls); off: http")
      ->check(CLI::IsMember({"off", "auto"}))
      ->capture_default_str();
  agent_cmd->add_option("--ironic-ca", agent.ironic_ca,
                        "CA certificate (PEM) of an https:// Ironic API");
  agent_cmd->add_option("--global-request-id", agent.global_request_id, "ipa-global-request-id=");
  agent_cmd
      ->add_option("--agent-token", agent.agent_token,
                   "pre-generated agent token (ipa-agent-token=)")
      ->envname("IPA_AGENT_TOKEN");
  agent_cmd->add_flag("--allow-power-off", agent.allow_power_off,
                      "standby.power_off/reboot power this machine off (the image sets it)");
  agent_cmd->add_option("--disk", agent.disks, "target block device for disk steps (repeatable)");
  agent_cmd->add_flag(
      "--i-know-this-wipes", agent.i_know_this_wipes,
      "let steps write to the --disk devices (burnin_disk, write tests, kiln_decommission; "
      "the image sets it)");
  agent_cmd
      ->add_option("--out", agent.out_dir,
                   "output directory: agent.log and one folder per step's run")
      ->capture_default_str();
  auto* agent_orch =
      agent_cmd->add_option("--orchestrator", agent.orchestrator_url,
                            "also stream every step's run to kiln-orchestrator (kiln.url)");
  agent_cmd->add_option("--token", agent.token, "kiln.token")
      ->needs(agent_orch)
      ->envname("KILN_TOKEN");
  agent_cmd->add_option("--ca", agent.ca_file, "CA of an https:// orchestrator (kiln.ca)")
      ->needs(agent_orch);
  agent_cmd
      ->add_option(
          "--boot-id-file", agent.boot_id_file,
          "where this boot's id is read (a reboot mid-step is told from an agent restart by it)")
      ->capture_default_str();

  app.add_subcommand("stages", "list the stages and their parameters");

  std::string cert_file;
  std::string cert_public_key;
  auto* certificate = app.add_subcommand("certificate", "decommission certificates");
  certificate->require_subcommand(1);
  auto* cert_verify = certificate->add_subcommand(
      "verify", "check a certificate's signature (exit 0 valid, 1 invalid, 2 unsigned/unreadable)");
  cert_verify->add_option("FILE", cert_file, "certificate.json")->required();
  cert_verify->add_option("--public-key", cert_public_key,
                          "trust only this key (PEM, public or private)");

  std::string bench_length = "quick";
  std::string bench_copies = "logical";
  auto* bench = app.add_subcommand("bench", "run the HEPSpec-like throughput benchmark on its own");
  bench
      ->add_option("--config", common.config_dir,
                   "configuration directory (hepbench-reference.yaml)")
      ->capture_default_str();
  bench->add_option("--length", bench_length, "quick, standard or box=<duration> per workload")
      ->capture_default_str();
  bench->add_option("--copies", bench_copies, "logical, physical or a count")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (fru->parsed()) return cmd_fru(common);
    if (plan->parsed()) return cmd_plan(common, plan_profile);
    if (run_cmd->parsed()) {
      // Recorded in report.json and the OCPTV stream: without the BMC password or token.
      run.command_line =
          kiln::runner::printable_command(std::vector<std::string>(argv, argv + argc));
      return cmd_run(common, run);
    }
    if (agent_cmd->parsed()) return cmd_agent(common, agent);
    if (cert_verify->parsed()) return cmd_certificate_verify(cert_file, cert_public_key);
    if (bench->parsed()) return cmd_bench(common.config_dir, bench_length, bench_copies);
    return cmd_stages();
  } catch (const std::exception& e) {
    fmt::print(stderr, "kiln-runner: internal error: {}\n", e.what());
    return 2;
  }
}
