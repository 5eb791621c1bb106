#include "kiln/firmware.hpp"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <vector>

#include "kiln/text.hpp"

namespace kiln {
namespace {

struct Token {
  bool number = false;
  std::string digits;  // without leading zeros ("0" for zero); hex digits lowercased
  bool hex = false;
  std::string text;  // lowercased, when not a number
};

bool separator(char c) {
  return c == '.' || c == '-' || c == '_' || c == ' ' || c == ',' || c == '/' || c == ':' ||
         c == '\t' || c == '(' || c == ')';
}

std::string strip_zeros(std::string d) {
  std::size_t i = 0;
  while (i + 1 < d.size() && d[i] == '0') ++i;
  return d.substr(i);
}

std::vector<Token> tokens(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (separator(c)) {
      ++i;
      continue;
    }
    Token t;
    if (c == '0' && i + 2 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2])) != 0) {
      std::size_t j = i + 2;
      while (j < s.size() && std::isxdigit(static_cast<unsigned char>(s[j])) != 0) {
        t.digits += static_cast<char>(std::tolower(static_cast<unsigned char>(s[j])));
        ++j;
      }
      t.number = true;
      t.hex = true;
      t.digits = strip_zeros(t.digits);
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      std::size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) != 0) {
        t.digits += s[j];
        ++j;
      }
      t.number = true;
      t.digits = strip_zeros(t.digits);
      i = j;
    } else {
      std::size_t j = i;
      while (j < s.size() && !separator(s[j]) &&
             std::isdigit(static_cast<unsigned char>(s[j])) == 0) {
        t.text += static_cast<char>(std::tolower(static_cast<unsigned char>(s[j])));
        ++j;
      }
      i = j;
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Digit strings without leading zeros of one base: longer is bigger.
int compare_digits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

}  // namespace

int compare_versions(std::string_view a, std::string_view b) {
  const auto ta = tokens(trim(a));
  const auto tb = tokens(trim(b));
  for (std::size_t i = 0; i < ta.size() && i < tb.size(); ++i) {
    const Token& x = ta[i];
    const Token& y = tb[i];
    if (x.number && y.number) {
      // Both in one base in practice (microcodes are all hex, BIOS versions decimal).
      const int c = compare_digits(x.digits, y.digits);
      if (c != 0) return c;
      continue;
    }
    if (x.number != y.number) return x.number ? 1 : -1;  // "2.1" > "2.beta"
    const int c = x.text.compare(y.text);
    if (c != 0) return c < 0 ? -1 : 1;
  }
  if (ta.size() == tb.size()) return 0;
  return ta.size() < tb.size() ? -1 : 1;  // "2.17" < "2.17.1"
}

bool VersionRule::met_by(std::string_view found) const {
  if (trim(found).empty()) return false;
  if (exact) return trim(found) == trim(*exact);
  if (min) return compare_versions(found, *min) >= 0;
  return true;
}

std::string VersionRule::describe() const {
  if (exact) return "= " + *exact;
  if (min) return ">= " + *min;
  return "any";
}

namespace {

nlohmann::json rule_json(const VersionRule& r) {
  nlohmann::json j = nlohmann::json::object();
  if (r.exact) j["version"] = *r.exact;
  if (r.min) j["min"] = *r.min;
  return j;
}

}  // namespace

nlohmann::json to_json(const FirmwareRequirements& f) {
  nlohmann::json j = nlohmann::json::object();
  if (f.bios) j["bios"] = rule_json(*f.bios);
  if (f.bmc) j["bmc"] = rule_json(*f.bmc);
  if (!f.disks.empty()) {
    j["disks"] = nlohmann::json::object();
    for (const auto& [model, rule] : f.disks) j["disks"][model] = rule_json(rule);
  }
  if (!f.nics.empty()) {
    j["nics"] = nlohmann::json::object();
    for (const auto& [key, rule] : f.nics) j["nics"][key] = rule_json(rule);
  }
  if (f.dimm_speed_at_rated) j["dimm_speed_at_rated"] = true;
  if (f.microcode_min) j["microcode_min"] = *f.microcode_min;
  return j;
}

}  // namespace kiln
