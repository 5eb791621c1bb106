// UTF-8 checks for text from outside kiln (a BMC's FRU, dmidecode, a YAML
// file): nlohmann::json refuses to dump a string that is not valid UTF-8, so
// such text is replaced where it enters (tool parsers) or refused with its
// place named (configuration files).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kiln {

// Offset of the first byte that does not start or continue a well-formed
// UTF-8 sequence (Unicode table 3-7: no overlongs, no surrogates, nothing
// above U+10FFFF); npos when all of `text` is valid.
std::size_t first_invalid_utf8(std::string_view text);

// `text` with every byte of an ill-formed sequence replaced by U+FFFD, as
// nlohmann::json's error_handler_t::replace does.
std::string valid_utf8(std::string_view text);

}  // namespace kiln
