// The catalog's stages: each stage's name, description, whether it destroys
// data, and its parameters (type, default, allowed values, range, unit,
// description). Declared once, as data, in common/src/catalog/; the runner's
// stages, `kiln-runner plan`, the orchestrator's config check, the config
// schema and docs/stages.md all read it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::catalog {

enum class ParamType { kInt, kDouble, kBool, kString, kDuration, kStringList };
std::string_view to_string(ParamType t);

// One parameter as declared. `allowed` lists the values a scalar (or each item
// of a list) may take, separated by '|'; an entry may be a form: "<int>",
// "<duration>", "<size>" (fio sizes: 10G, 512M), "<hex>", "<hexbytes>" (whole
// bytes in hex that tile a 512-byte sector), "<text>" (not empty), or a literal prefix
// before one ("box=<duration>", "hex:<hex>"). Empty = any text of the type.
// `min`/`max` bound numbers; for durations they are seconds.
struct ParamDecl {
  std::string_view name;
  ParamType type = ParamType::kString;
  std::string_view default_value;  // as written in YAML; lists comma-separated
  std::string_view allowed;
  std::optional<double> min;
  std::optional<double> max;
  std::string_view unit;
  std::string_view description;
};

struct StageDecl {
  std::string_view name;
  std::string_view description;
  bool destructive = false;
  std::span<const ParamDecl> params;
  // Another stage whose parameters this one also takes, each name prefixed
  // (the memory stage runs memtest's engine: memtest_size_mib, ...).
  std::string_view embeds;
  std::string_view embed_prefix;
};

// A parameter ready for use: a ParamDecl with its (possibly prefixed) name owned.
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  std::string default_value;
  std::string allowed;
  std::optional<double> min;
  std::optional<double> max;
  std::string unit;
  std::string description;
};

std::span<const StageDecl> stages();
const StageDecl* find_stage(std::string_view name);
// Every parameter of the stage, embedded ones included; empty for an unknown stage.
std::vector<ParamSpec> stage_params(std::string_view name);
// The allowed values of a parameter, split at '|'.
std::vector<std::string_view> allowed_values(std::string_view allowed);

}  // namespace kiln::catalog
