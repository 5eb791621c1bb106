#include "agent/agent_steps.hpp"

#include <fmt/format.h>

#include "agent/ipa_burnin_steps.hpp"
#include "agent/step_entries.hpp"
#include "kiln/json_input.hpp"

namespace kiln::runner::agent {
namespace {

// A scalar JSON value as a profile would write it; nullopt for objects/null.
std::optional<std::string> scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get_ref<const std::string&>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  return std::nullopt;
}

Expected<ParamValue> param_from_json(const nlohmann::json& v, const std::string& where) {
  if (v.is_array()) {
    std::vector<std::string> items;
    for (const auto& item : v) {
      auto text = scalar_text(item);
      if (!text)
        return make_error("KILN-STEP-ARGS",
                          fmt::format("{}: list items must be strings or numbers", where));
      items.push_back(*text);
    }
    return list_value(std::move(items), where);
  }
  auto text = scalar_text(v);
  if (!text)
    return make_error("KILN-STEP-ARGS",
                      fmt::format("{}: must be a string, number, boolean or list", where));
  return text_value(*text, where);
}

Expected<StepPlan> plan_kiln_burnin(const nlohmann::json& args) {
  StepPlan plan;
  plan.step = "kiln_burnin";
  if (!args.is_null() && !args.is_object()) {
    return make_error("KILN-STEP-ARGS", "clean step kiln_burnin: args must be an object");
  }
  if (args.is_null()) return plan;
  for (const auto& [key, value] : args.items()) {
    const std::string where = "clean step kiln_burnin args." + key;
    if (key == "profile" || key == "kiln_url" || key == "kiln_token") {
      if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
        return make_error("KILN-STEP-ARGS", fmt::format("{}: must be a non-empty string", where));
      }
      const auto& text = value.get_ref<const std::string&>();
      if (key == "profile") plan.profile = text;
      if (key == "kiln_url") plan.kiln_url = text;
      if (key == "kiln_token") plan.kiln_token = text;
    } else if (key == "stages") {
      std::vector<std::string> names;
      if (value.is_string()) {
        std::string list = value.get_ref<const std::string&>();
        for (std::size_t start = 0; start <= list.size();) {
          auto comma = list.find(',', start);
          std::string name =
              list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
          if (!name.empty()) names.push_back(name);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      } else if (value.is_array()) {
        for (const auto& item : value) {
          if (!item.is_string())
            return make_error("KILN-STEP-ARGS", fmt::format("{}: stage names are strings", where));
          names.push_back(item.get<std::string>());
        }
      }
      if (names.empty()) {
        return make_error("KILN-STEP-ARGS",
                          fmt::format("{}: a list of stage names (or \"cpu,memory\")", where));
      }
      std::vector<StageEntry> stages;
      for (auto& name : names) stages.push_back(stage_entry(std::move(name), {}, plan.step));
      plan.stages = std::move(stages);
    } else if (key == "params") {
      if (!value.is_object()) {
        return make_error("KILN-STEP-ARGS",
                          fmt::format("{}: {{\"STAGE\": {{\"PARAM\": VALUE}}}}", where));
      }
      for (const auto& [stage_name, params] : value.items()) {
        if (!params.is_object()) {
          return make_error("KILN-STEP-ARGS",
                            fmt::format("{}.{}: {{\"PARAM\": VALUE}}", where, stage_name));
        }
        for (const auto& [param, v] : params.items()) {
          auto parsed = param_from_json(v, fmt::format("{}.{}.{}", where, stage_name, param));
          if (!parsed) return parsed.error();
          plan.overrides[stage_name][param] = *parsed;
        }
      }
    } else {
      return make_error("KILN-STEP-ARGS",
                        fmt::format("clean step kiln_burnin: unknown argument '{}' "
                                    "(profile, stages, params, kiln_url, kiln_token)",
                                    key));
    }
  }
  if (plan.kiln_url.empty() != plan.kiln_token.empty()) {
    return make_error("KILN-STEP-ARGS",
                      "clean step kiln_burnin: kiln_url and kiln_token go together");
  }
  return plan;
}

Expected<StepPlan> plan_kiln_decommission(const nlohmann::json& args) {
  StepPlan plan;
  plan.step = "kiln_decommission";
  plan.mode = "decommission";
  plan.profile = "decommission";
  plan.destructive = true;
  if (!args.is_null() && !args.is_object()) {
    return make_error("KILN-STEP-ARGS", "clean step kiln_decommission: args must be an object");
  }
  if (args.is_null()) return plan;
  for (const auto& [key, value] : args.items()) {
    if ((key != "profile" && key != "operator") || !value.is_string() ||
        value.get_ref<const std::string&>().empty()) {
      return make_error(
          "KILN-STEP-ARGS",
          fmt::format(
              "clean step kiln_decommission args.{}: the arguments are profile and operator, "
              "non-empty strings",
              key));
    }
    if (key == "profile") plan.profile = value.get<std::string>();
    if (key == "operator") plan.operator_name = value.get<std::string>();
  }
  return plan;
}

}  // namespace

const std::vector<StepDescription>& step_catalog() {
  static const std::vector<StepDescription> kSteps{
      {"kiln_burnin",
       "kiln burn-in: the delivery's profile (from the FRU asset tag), judged against the tender's "
       "figures",
       {{"profile", "profile to run instead of the delivery's (quick, standard, full, ...)", false},
        {"stages", "only these stages, in this order: a list or \"cpu,memory\"", false},
        {"params", "stage parameter overrides: {\"cpu\": {\"duration\": \"2h\"}}", false},
        {"kiln_url", "also stream the run to kiln-orchestrator at this URL (with kiln_token)",
         false},
        {"kiln_token", "the node's kiln-orchestrator run token", false}},
       true,
       true},
      {"burnin_cpu",
       "IPA drop-in: kiln's cpu stage (driver_info agent_burnin_cpu_timeout, agent_burnin_cpu_cpu)",
       {},
       true,
       true},
      {"burnin_memory",
       "IPA drop-in: kiln's memory stage, stress-ng --verify and kiln's pattern engine "
       "(driver_info "
       "agent_burnin_vm_timeout, agent_burnin_vm_vm, agent_burnin_vm_vm-bytes)",
       {},
       true,
       true},
      {"burnin_disk",
       "IPA drop-in: kiln's disk stage, badblocks -w with SMART deltas for SATA, SAS and NVMe "
       "(driver_info "
       "agent_burnin_fio_disk_loops, _runtime, _smart_test); destructive",
       {},
       true,
       false},
      {"burnin_network",
       "IPA drop-in: kiln's network stage, pairing by authenticated broadcast or the static "
       "agent_burnin_fio_network_config partner, iperf3 both ways "
       "(agent_burnin_fio_network_runtime)",
       {},
       true,
       true},
      {"kiln_decommission",
       "kiln decommission: wipe and verify every disk, reset the BMC, write the certificate; not "
       "abortable",
       {{"profile", "decommission profile (default: decommission)", false},
        {"operator", "who decommissions the node (on the certificate)", false}},
       false,
       false},
  };
  return kSteps;
}

const StepDescription* find_step(const std::string& name) {
  for (const auto& s : step_catalog()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

nlohmann::json steps_json(bool deploy_steps) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : step_catalog()) {
    if (deploy_steps && !s.deploy) continue;
    nlohmann::json argsinfo = nlohmann::json::object();
    for (const auto& a : s.args)
      argsinfo[a.name] = {{"description", a.description}, {"required", a.required}};
    steps.push_back({{"step", s.name},
                     {"priority", 0},
                     {"interface", "deploy"},
                     {"reboot_requested", false},
                     {"abortable", s.abortable},
                     {"argsinfo", argsinfo.empty() ? nlohmann::json(nullptr) : argsinfo}});
  }
  return steps;
}

Expected<StepPlan> plan_step(const std::string& step, const nlohmann::json& step_args,
                             const nlohmann::json& driver_info) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json& info = driver_info.is_object() ? driver_info : kEmpty;
  const auto* described = find_step(step);
  if (described == nullptr) {
    std::string names;
    for (const auto& s : step_catalog()) names += (names.empty() ? "" : ", ") + s.name;
    return make_error("KILN-STEP-UNKNOWN",
                      fmt::format("kiln's agent has no step '{}' (steps: {})", step, names));
  }
  if (described->args.empty() && step_args.is_object() && !step_args.empty()) {
    return make_error("KILN-STEP-ARGS",
                      fmt::format("clean step {} takes no args: its settings are the node's "
                                  "driver_info agent_burnin_* keys",
                                  step));
  }
  if (step == "kiln_burnin") return plan_kiln_burnin(step_args);
  if (step == "kiln_decommission") return plan_kiln_decommission(step_args);
  if (step == "burnin_cpu") return plan_burnin_cpu(info);
  if (step == "burnin_memory") return plan_burnin_memory(info);
  if (step == "burnin_disk") return plan_burnin_disk(info);
  return plan_burnin_network(info);
}

Expected<Profile> derive_profile(const StepPlan& plan, const Profile& base,
                                 const std::string& name) {
  Profile out;
  out.name = name;
  out.description = fmt::format("{} ({})", plan.step, base.description);
  out.where = base.where;
  auto base_params = [&base](const std::string& stage) -> std::map<std::string, ParamValue> {
    for (const auto& e : base.stages) {
      if (e.stage == stage) return e.params;
    }
    return {};
  };
  if (plan.stages) {
    for (const auto& entry : *plan.stages) {
      StageEntry e{entry.stage, base_params(entry.stage), entry.where};
      for (const auto& [k, v] : entry.params) e.params[k] = v;
      out.stages.push_back(std::move(e));
    }
  } else {
    out.stages = base.stages;
  }
  for (auto& e : out.stages) {
    if (auto it = plan.overrides.find(e.stage); it != plan.overrides.end()) {
      for (const auto& [k, v] : it->second) e.params[k] = v;
    }
  }
  for (const auto& [stage_name, params] : plan.overrides) {
    bool runs = false;
    for (const auto& e : out.stages) runs = runs || e.stage == stage_name;
    if (!runs) {
      return make_error(
          "KILN-STEP-ARGS",
          fmt::format("clean step {} args.params.{}: stage '{}' is not in this run (profile {})",
                      plan.step, stage_name, stage_name, base.name));
    }
  }
  return out;
}

}  // namespace kiln::runner::agent
