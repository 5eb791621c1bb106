#include "stages/inventory/inventory_evidence.hpp"

namespace kiln::runner {

nlohmann::json inventory_evidence(const HostInventory& inv) {
  nlohmann::json dimms = nlohmann::json::array();
  for (const auto& d : inv.dimms) {
    if (!d.installed) continue;
    dimms.push_back({{"locator", d.locator},
                     {"size_mib", d.size_mib.value_or(0)},
                     {"type", d.type},
                     {"manufacturer", d.manufacturer},
                     {"serial", d.serial},
                     {"part_number", d.part_number}});
  }
  nlohmann::json disks = nlohmann::json::array();
  for (const auto& d : inv.disks) {
    disks.push_back({{"name", d.name},
                     {"model", d.model},
                     {"serial", d.serial},
                     {"size_bytes", d.size_bytes},
                     {"transport", d.transport}});
  }
  nlohmann::json nics = nlohmann::json::array();
  for (const auto& n : inv.nics) {
    nics.push_back(
        {{"name", n.name}, {"mac", n.mac}, {"pci_address", n.pci_address}, {"driver", n.driver}});
  }
  return {{"cpu",
           {{"model", inv.cpu.model},
            {"sockets", inv.cpu.sockets},
            {"cores", inv.cpu.cores},
            {"threads", inv.cpu.threads}}},
          {"memtotal_kib", inv.memtotal_kib.value_or(0)},
          {"dimms", dimms},
          {"disks", disks},
          {"nics", nics}};
}

}  // namespace kiln::runner
