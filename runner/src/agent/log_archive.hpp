// log.collect_system_logs: kiln's outputs (report.json, ocptv.jsonl, the tool
// logs, the agent's log) as Ironic stores a ramdisk's logs: a gzip-compressed
// tar archive, base64-encoded, in command_result.system_logs. Ironic writes
// it to [agent]deploy_logs_local_path as <node>_<time>.tar.gz.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::runner::agent {

struct ArchiveFile {
  std::string name;  // path inside the archive
  std::string data;
};

// A POSIX ustar archive of `files` (names up to 255 bytes).
Expected<std::string> tar_archive(const std::vector<ArchiveFile>& files, std::int64_t mtime);
Expected<std::string> gzip_compress(const std::string& data);
std::string base64_encode(const std::string& data);

// Every regular file under `root`, named "PREFIX/relative/path", at most
// `max_bytes` in all (the newest files first are kept; what was left out is
// listed in PREFIX/LEFT-OUT.txt).
std::vector<ArchiveFile> collect_files(const std::filesystem::path& root, const std::string& prefix,
                                       std::size_t max_bytes);

}  // namespace kiln::runner::agent
