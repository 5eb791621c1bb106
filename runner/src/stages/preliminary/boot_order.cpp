#include "stages/preliminary/boot_order.hpp"

#include <fmt/format.h>

namespace kiln::runner {
namespace {

constexpr std::size_t kShownEntries = 6;

std::string entry_text(const tools::EfiBootConfig& config, const std::string& id) {
  const auto* e = config.find(id);
  if (e == nullptr) return fmt::format("{} (no such entry)", id);
  return fmt::format("{} {}{}", id, e->description, e->active ? "" : " (inactive)");
}

}  // namespace

std::string describe_boot_order(const tools::EfiBootConfig& config) {
  if (config.order.empty()) return "BootOrder is empty";
  std::string out;
  for (std::size_t i = 0; i < config.order.size() && i < kShownEntries; ++i) {
    if (!out.empty()) out += ", ";
    out += entry_text(config, config.order[i]);
  }
  if (config.order.size() > kShownEntries)
    out += fmt::format(", and {} more", config.order.size() - kShownEntries);
  return out;
}

std::optional<BootOrderProblem> network_boot_first_problem(const tools::EfiBootConfig& config) {
  const tools::EfiBootEntry* first = nullptr;
  for (const auto& id : config.order) {
    const auto* e = config.find(id);
    if (e != nullptr && e->active) {
      first = e;
      break;
    }
  }
  if (first != nullptr && tools::is_network_boot(*first)) return std::nullopt;
  std::string network;  // the first network entry, for the fix
  for (const auto& id : config.order) {
    const auto* e = config.find(id);
    if (e != nullptr && e->active && tools::is_network_boot(*e)) {
      network = id;
      break;
    }
  }
  BootOrderProblem problem;
  problem.first = first == nullptr ? "no active entry"
                                   : fmt::format("Boot{} '{}' first, not a network boot", first->id,
                                                 first->description);
  problem.order = describe_boot_order(config);
  problem.network =
      network.empty()
          ? "no active entry boots from the network: enable PXE or HTTP boot on a NIC in the "
            "firmware setup"
          : fmt::format("the first network boot is Boot{} (in-band: efibootmgr -o {},...)", network,
                        network);
  return problem;
}

}  // namespace kiln::runner
