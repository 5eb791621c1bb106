// bmc-reset's policy (its parameters) and the session that applies it: each
// change is an action {what, command, expected, read_back, result} kept for
// the certificate.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stage/stage.hpp"
#include "tools/ipmitool_bmc_config.hpp"

namespace kiln::runner {

struct BmcPolicy {
  std::string keep_user;
  bool disable_users = true;
  std::string disabled_name;  // what disabled users are renamed to ("" clears the name)
  bool clear_sel = true;
  int channel = 1;
  std::vector<std::pair<std::string, std::string>>
      lan;  // ("ipsrc","dhcp"), ("ipaddr","0.0.0.0")...
  bool mc_reset_cold = false;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

Expected<BmcPolicy> read_bmc_policy(const StageContext& ctx);

class BmcSession {
 public:
  BmcSession(StageContext& ctx, std::optional<tools::IpmiLanTarget> lan, BmcPolicy policy);
  void run_all();
  // "reset" (every check passed), "failed", "error".
  [[nodiscard]] std::string result() const;

  nlohmann::json evidence = nlohmann::json::object();

 private:
  struct Ran {
    bool ok = false;
    std::string out;
    std::string failure;
  };
  // `secret`: a password in argv, masked in the log, the output and any failure text.
  Ran ipmitool(const std::vector<std::string>& argv, const std::string& log,
               const std::string& secret = {});
  void action(const std::string& what, const std::string& expected, const std::string& read_back,
              bool ok, const std::vector<std::string>& commands, const std::string& note = {});
  void reset_users();
  void clear_sel();
  void set_lan();
  void cold_reset();

  StageContext& ctx_;
  std::optional<tools::IpmiLanTarget> lan_;
  BmcPolicy policy_;
  int failed_ = 0;
  int errors_ = 0;
};

}  // namespace kiln::runner
