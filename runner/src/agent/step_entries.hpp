// Helpers that build a step's stage entries as a profile would write them,
// with where each value came from (a driver_info key, a step argument) for
// the errors StageParams gives.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kiln/config.hpp"

namespace kiln::runner::agent {

inline ParamValue text_value(std::string text, const std::string& where) {
  ParamValue v;
  v.text = std::move(text);
  v.where = SourceRef{where, 0};
  return v;
}

inline ParamValue list_value(std::vector<std::string> items, const std::string& where) {
  ParamValue v;
  v.list = std::move(items);
  v.is_list = true;
  v.where = SourceRef{where, 0};
  return v;
}

inline StageEntry stage_entry(std::string name, std::map<std::string, ParamValue> params,
                              const std::string& step) {
  return StageEntry{std::move(name), std::move(params), SourceRef{"clean step " + step, 0}};
}

}  // namespace kiln::runner::agent
