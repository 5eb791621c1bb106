#include "agent/log_archive.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kiln::runner::agent {
namespace {

void put_octal(char* field, std::size_t width, std::uint64_t value) {
  auto text = fmt::format("{:0{}o}", value, width - 1);
  std::memcpy(field, text.data(), std::min(text.size(), width - 1));
}

}  // namespace

Expected<std::string> tar_archive(const std::vector<ArchiveFile>& files, std::int64_t mtime) {
  std::string out;
  for (const auto& f : files) {
    char header[512];
    std::memset(header, 0, sizeof header);
    std::string name = f.name;
    std::string prefix;
    if (name.size() > 100) {
      auto slash = name.rfind('/', 155);
      if (slash == std::string::npos || name.size() - slash - 1 > 100 || slash > 155) {
        return make_error("KILN-AGENT-LOGS", fmt::format("archive member name too long: {}", name));
      }
      prefix = name.substr(0, slash);
      name = name.substr(slash + 1);
    }
    std::memcpy(header, name.data(), name.size());
    put_octal(header + 100, 8, 0644);
    put_octal(header + 108, 8, 0);
    put_octal(header + 116, 8, 0);
    put_octal(header + 124, 12, f.data.size());
    put_octal(header + 136, 12, static_cast<std::uint64_t>(std::max<std::int64_t>(0, mtime)));
    std::memset(header + 148, ' ', 8);
    header[156] = '0';
    std::memcpy(header + 257, "ustar", 6);
    std::memcpy(header + 263, "00", 2);
    std::memcpy(header + 265, "root", 4);
    std::memcpy(header + 297, "root", 4);
    std::memcpy(header + 345, prefix.data(), prefix.size());
    unsigned sum = 0;
    for (unsigned char c : header) sum += c;
    auto chk = fmt::format("{:06o}", sum);
    std::memcpy(header + 148, chk.data(), 6);
    header[154] = '\0';
    header[155] = ' ';
    out.append(header, sizeof header);
    out += f.data;
    out.append((512 - f.data.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');
  return out;
}

Expected<std::string> gzip_compress(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return make_error("KILN-AGENT-LOGS", "zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END)
    return make_error("KILN-AGENT-LOGS", fmt::format("zlib: deflate returned {}", rc));
  return out;
}

std::string base64_encode(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(std::max(0, n)));
  return out;
}

std::vector<ArchiveFile> collect_files(const std::filesystem::path& root, const std::string& prefix,
                                       std::size_t max_bytes) {
  namespace fs = std::filesystem;
  struct Found {
    fs::path path;
    fs::file_time_type time;
    std::uintmax_t size;
  };
  std::vector<Found> found;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    found.push_back({it->path(), it->last_write_time(ec), it->file_size(ec)});
  }
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.time > b.time; });
  std::vector<ArchiveFile> files;
  std::string left_out;
  std::size_t total = 0;
  for (const auto& f : found) {
    std::string name = prefix + "/" + fs::relative(f.path, root, ec).generic_string();
    if (total + f.size > max_bytes || name.size() > 250) {
      left_out += fmt::format("{} ({} bytes)\n", name, f.size);
      continue;
    }
    std::ifstream in(f.path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    total += f.size;
    files.push_back({name, text.str()});
  }
  if (!left_out.empty())
    files.push_back(
        {prefix + "/LEFT-OUT.txt", "left out (the archive's size bound):\n" + left_out});
  std::sort(files.begin(), files.end(),
            [](const ArchiveFile& a, const ArchiveFile& b) { return a.name < b.name; });
  return files;
}

}  // namespace kiln::runner::agent
