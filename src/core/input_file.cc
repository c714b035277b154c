#include "core/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/utf8.h"

namespace tj {

namespace {

// The path as an error may show it: printable and short.
std::string Shown(std::string_view path) {
  std::string p = Printable(path.size() > 200 ? path.substr(0, 200) : path);
  return path.size() > 200 ? p + "..." : p;
}

Result<int> OpenInput(const std::string& path, std::string_view what) {
  if (path == "-") return 0;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(fmt::format("cannot read {} \"{}\": {}", what, Shown(path), std::strerror(errno)));
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    return MakeError(fmt::format("cannot read {} \"{}\": it is a directory", what, Shown(path)));
  }
  return fd;
}

}  // namespace

Result<LineReader> LineReader::Open(const std::string& path, const InputLimits& limits) {
  auto fd = OpenInput(path, "file");
  if (!fd) return fd.error();
  return LineReader(*fd, path, limits);
}

LineReader::LineReader(LineReader&& o) noexcept
    : fd_(o.fd_), path_(std::move(o.path_)), limits_(o.limits_), buf_(std::move(o.buf_)), pos_(o.pos_),
      eof_(o.eof_), bytes_(o.bytes_), line_no_(o.line_no_), status_(o.status_) {
  o.fd_ = -1;
}

LineReader::~LineReader() {
  if (fd_ > 0) close(fd_);
}

bool LineReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[65536];
  ssize_t n;
  do {
    n = read(fd_, chunk, sizeof chunk);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    status_ = MakeError(fmt::format("cannot read \"{}\": {}", Shown(path_), std::strerror(errno)));
    return false;
  }
  if (n == 0) {
    eof_ = true;
    return false;
  }
  bytes_ += static_cast<uint64_t>(n);
  if (bytes_ > limits_.max_bytes) {
    status_ = MakeError(fmt::format("\"{}\": longer than {} bytes, the most read from one file", Shown(path_),
                                    limits_.max_bytes));
    return false;
  }
  buf_.append(chunk, static_cast<size_t>(n));
  return true;
}

bool LineReader::Next(std::string* line) {
  if (!status_.ok()) return false;
  while (true) {
    size_t nl = buf_.find('\n', pos_);
    if (nl == std::string::npos && buf_.size() - pos_ > limits_.max_line) nl = buf_.size();
    if (nl != std::string::npos || (eof_ && pos_ < buf_.size())) {
      size_t end = nl == std::string::npos ? buf_.size() : nl;
      if (end - pos_ > limits_.max_line) {
        // A short, printable excerpt, never the whole line.
        status_ = MakeError(fmt::format("{}:{}: a line longer than {} bytes (it starts \"{}\")", Shown(path_),
                                        line_no_ + 1, limits_.max_line, Printable(buf_.substr(pos_, 40))));
        return false;
      }
      if (++line_no_ > limits_.max_lines) {
        status_ = MakeError(fmt::format("\"{}\": more than {} lines", Shown(path_), limits_.max_lines));
        return false;
      }
      line->assign(buf_, pos_, end - pos_);
      if (!line->empty() && line->back() == '\r') line->pop_back();
      pos_ = nl == std::string::npos ? buf_.size() : nl + 1;
      return true;
    }
    // At the end, a last line without a newline is still a line.
    if (!Fill() && !(eof_ && status_.ok() && pos_ < buf_.size())) return false;
  }
}

Result<std::string> ReadBoundedFile(const std::string& path, uint64_t max_bytes, std::string_view what) {
  auto fd = OpenInput(path, what);
  if (!fd) return fd.error();
  std::string text;
  char chunk[65536];
  Status err;
  while (true) {
    ssize_t n = read(*fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = MakeError(fmt::format("cannot read {} \"{}\": {}", what, Shown(path), std::strerror(errno)));
      break;
    }
    if (n == 0) break;
    text.append(chunk, static_cast<size_t>(n));
    if (text.size() > max_bytes) {
      err = MakeError(fmt::format("{} \"{}\": longer than {} bytes", what, Shown(path), max_bytes));
      break;
    }
  }
  if (*fd > 0) close(*fd);
  if (!err.ok()) return MakeError(err.message());
  return text;
}

}  // namespace tj
