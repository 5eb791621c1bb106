#include "tools/dmidecode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "kiln/utf8.hpp"
#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

struct Record {
  int type = -1;
  std::map<std::string, std::string, std::less<>> props;  // first-level "Key: Value"
  [[nodiscard]] std::string get(std::string_view key) const {
    auto it = props.find(key);
    return it == props.end() ? std::string{} : it->second;
  }
};

// "Handle 0x0400, DMI type 4, 48 bytes" → 4
std::optional<int> handle_type(std::string_view line) {
  if (!scan::starts_with(line, "Handle ")) return std::nullopt;
  std::size_t at = line.find("DMI type ");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + 9);
  auto n = scan::leading_u64(rest);
  if (!n || *n > 255) return std::nullopt;
  return static_cast<int>(*n);
}

std::size_t leading_tabs(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == '\t') ++n;
  return n;
}

std::optional<int> small_int(std::string_view s) {
  auto v = scan::leading_u64(s);
  if (!v || *v > 1000000) return std::nullopt;
  return static_cast<int>(*v);
}

void apply(const Record& r, DmiInfo& info) {
  switch (r.type) {
    case 0:
      if (!info.bios.present) {
        info.bios = DmiBios{r.get("Vendor"), r.get("Version"), r.get("Release Date"),
                            r.get("BIOS Revision"), r.get("Firmware Revision"), true};
      }
      break;
    case 1:
      info.system = DmiSystem{r.get("Manufacturer"), r.get("Product Name"), r.get("Version"),
                              r.get("Serial Number"), r.get("UUID")};
      break;
    case 2:
      if (info.baseboard.serial.empty() && info.baseboard.product.empty()) {
        info.baseboard =
            DmiBaseboard{r.get("Manufacturer"), r.get("Product Name"), r.get("Serial Number")};
      }
      break;
    case 4: {
      DmiProcessor p;
      p.socket = r.get("Socket Designation");
      p.version = r.get("Version");
      p.manufacturer = r.get("Manufacturer");
      p.status = r.get("Status");
      p.core_count = small_int(r.get("Core Count"));
      p.thread_count = small_int(r.get("Thread Count"));
      p.populated = scan::starts_with(p.status, "Populated");
      info.processors.push_back(std::move(p));
      break;
    }
    case 17: {
      DmiMemoryDevice m;
      m.locator = r.get("Locator");
      m.bank_locator = r.get("Bank Locator");
      m.size_text = r.get("Size");
      m.size_mib = parse_dmi_size_mib(m.size_text);
      m.installed = m.size_mib.has_value() && *m.size_mib > 0;
      m.type = r.get("Type");
      m.speed_text = r.get("Speed");
      m.speed_mts = small_int(m.speed_text);
      m.configured_speed_text = r.get("Configured Memory Speed");
      if (m.configured_speed_text.empty()) m.configured_speed_text = r.get("Configured Clock Speed");
      m.configured_speed_mts = small_int(m.configured_speed_text);
      m.manufacturer = r.get("Manufacturer");
      m.serial = r.get("Serial Number");
      m.part_number = r.get("Part Number");
      info.memory_devices.push_back(std::move(m));
      break;
    }
    default:
      break;
  }
}

}  // namespace

std::uint64_t DmiInfo::total_memory_mib() const {
  std::uint64_t total = 0;
  for (const auto& m : memory_devices) total += m.size_mib.value_or(0);
  return total;
}

std::size_t DmiInfo::installed_dimm_count() const {
  return static_cast<std::size_t>(std::count_if(memory_devices.begin(), memory_devices.end(),
                                                [](const auto& m) { return m.installed; }));
}

std::vector<std::string> dmidecode_argv(std::optional<int> type) {
  std::vector<std::string> argv{"dmidecode"};
  if (type) argv.insert(argv.end(), {"-t", std::to_string(*type)});
  return argv;
}

std::optional<std::uint64_t> parse_dmi_size_mib(std::string_view text) {
  auto toks = scan::tokens(text);
  if (toks.size() < 2) return std::nullopt;
  auto n = scan::to_u64(toks[0]);
  if (!n) return std::nullopt;
  std::string unit = scan::to_lower(toks[1]);
  std::uint64_t mul = 0;
  if (unit == "kb" || unit == "kib") {
    return *n / 1024;
  }
  if (unit == "mb" || unit == "mib") mul = 1;
  if (unit == "gb" || unit == "gib") mul = 1024;
  if (unit == "tb" || unit == "tib") mul = 1024ULL * 1024ULL;
  if (mul == 0 || *n > UINT64_MAX / mul) return std::nullopt;
  return *n * mul;
}

bool is_placeholder_serial(std::string_view serial) {
  std::string s = scan::to_lower(scan::trim(serial));
  if (s.empty()) return true;
  static constexpr std::array<std::string_view, 22> kKnown = {"to be filled by o.e.m.",
                                                              "to be filled by o.e.m",
                                                              "not specified",
                                                              "not available",
                                                              "not applicable",
                                                              "default string",
                                                              "system serial number",
                                                              "chassis serial number",
                                                              "base board serial number",
                                                              "serial number",
                                                              "none",
                                                              "n/a",
                                                              "na",
                                                              "unknown",
                                                              "empty",
                                                              "0123456789",
                                                              "123456789",
                                                              "1234567890",
                                                              "9876543210",
                                                              "0000000000",
                                                              "sn",
                                                              "ssn"};
  if (std::find(kKnown.begin(), kKnown.end(), s) != kKnown.end()) return true;
  // One character repeated: "............", "XXXXXXXX", "00000000", "FFFFFFFF".
  char first = s.front();
  bool repeated = std::all_of(s.begin(), s.end(), [first](char c) { return c == first; });
  return repeated && (first == '.' || first == 'x' || first == '0' || first == 'f' ||
                      first == '-' || first == '*' || first == ' ');
}

Expected<DmiInfo> parse_dmidecode(std::string_view raw_text) {
  // SMBIOS strings are the vendor's bytes: made valid UTF-8, they end up in JSON.
  const std::string utf8 = valid_utf8(raw_text);
  const std::string_view text = utf8;
  if (scan::is_blank(text)) {
    return make_error(std::string(kDmiParseError), "dmidecode: empty output",
                      "check that /sys/firmware/dmi/tables or /dev/mem is readable (run as root)");
  }
  DmiInfo info;
  std::optional<Record> record;
  std::size_t records = 0;
  for (std::string_view raw_line : scan::lines(text)) {
    if (auto type = handle_type(raw_line)) {
      if (record) apply(*record, info);
      record.emplace();
      record->type = *type;
      ++records;
      continue;
    }
    if (!record) continue;
    // First-level properties are indented by one tab; list items by two.
    std::size_t tabs = leading_tabs(raw_line);
    if (tabs != 1) continue;
    std::string_view line = scan::trim(raw_line);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string key(scan::trim(line.substr(0, colon)));
    if (!record->props.contains(key)) {
      record->props.emplace(std::move(key), std::string(scan::trim(line.substr(colon + 1))));
    }
  }
  if (record) apply(*record, info);
  if (records == 0) {
    return make_error(std::string(kDmiParseError),
                      fmt::format("dmidecode: no \"Handle 0x..., DMI type N\" record in {} bytes "
                                  "of output",
                                  text.size()));
  }
  return info;
}

}  // namespace kiln::tools
