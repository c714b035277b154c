// Reading a report: the file, then the format told by the first character.
#include "report/read_scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

#include "core/utf8.h"
#include "report/read_scan_parts.h"

namespace tj {
namespace read_scan {

Reason ReasonOrUnknown(std::string_view name) {
  return ReasonFromName(name).value_or(Reason::kUnknownResponse);
}

void SortPorts(ScanRecord* record) {
  for (HostResult& h : record->hosts)
    std::stable_sort(h.ports.begin(), h.ports.end(), [](const PortResult& a, const PortResult& b) {
      return std::tie(a.proto, a.port) < std::tie(b.proto, b.port);
    });
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "\"";
  for (unsigned char c : s.substr(0, kMax)) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out + (s.size() > kMax ? "...\"" : "\"");
}

}  // namespace read_scan

namespace {

// Larger than any real report (a /16 with every port listed is ~1 GiB of XML
// only at -v); a bound keeps a wrong path (a disk image) from eating memory.
constexpr off_t kMaxReportBytes = off_t{1} << 30;

// Skips a UTF-8 byte order mark and white space.
std::string_view Start(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  size_t i = text.find_first_not_of(" \t\r\n");
  return i == std::string_view::npos ? std::string_view() : text.substr(i);
}

// Opens a report file: a regular file within the bound, not a FIFO or a
// directory (O_NONBLOCK: opening a FIFO nobody writes does not hang).
Result<int> OpenReport(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return MakeError(fmt::format("{}: cannot open: {}", Printable(path), std::strerror(errno)));
  struct stat st {};
  std::string problem;
  if (fstat(fd, &st) != 0) problem = std::strerror(errno);
  else if (S_ISDIR(st.st_mode)) problem = "is a directory, not a report file";
  else if (!S_ISREG(st.st_mode)) problem = "not a regular file";
  else if (st.st_size > kMaxReportBytes) problem = fmt::format("too large for a report ({} bytes)", st.st_size);
  if (problem.empty() && fcntl(fd, F_SETFL, 0) != 0) problem = std::strerror(errno);
  if (!problem.empty()) {
    close(fd);
    return MakeError(fmt::format("{}: {}", Printable(path), problem));
  }
  return fd;
}

}  // namespace

Result<ScanRecord> ReadScanText(std::string_view text, std::string_view name) {
  std::string_view start = Start(text);
  if (start.empty()) return MakeError(fmt::format("{}: empty file, not a scan report", name));
  if (start[0] == '{') return read_scan::ReadJson(text, name);
  if (start[0] == '<') return read_scan::ReadXml(text, name);
  return MakeError(fmt::format("{}: not a scan report (neither JSON nor XML; it starts with {})", name,
                               read_scan::Quote(start.substr(0, 16))));
}

Result<ScanRecord> ReadScanFile(const std::string& path) {
  auto fd = OpenReport(path);
  if (!fd) return fd.error();
  // The format from the first bytes, then the whole file read as a stream.
  char head[512];
  ssize_t n = pread(*fd, head, sizeof head, 0);
  std::string_view start = Start(std::string_view(head, n > 0 ? static_cast<size_t>(n) : 0));
  const std::string name = Printable(path);
  if (start.empty() || (start[0] != '{' && start[0] != '<')) {
    close(*fd);
    if (start.empty() && n == sizeof head)
      return MakeError(fmt::format("{}: not a scan report (nothing but white space in its first {} bytes)", name, n));
    return ReadScanText(std::string_view(head, n > 0 ? static_cast<size_t>(n) : 0), name);
  }
  if (start[0] == '<') {
    auto r = read_scan::ReadXmlFd(*fd, name);
    close(*fd);
    return r;
  }
  std::FILE* file = fdopen(*fd, "r");
  if (!file) {
    close(*fd);
    return MakeError(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
  }
  auto r = read_scan::ReadJsonFile(file, name);
  std::fclose(file);
  return r;
}

}  // namespace tj
