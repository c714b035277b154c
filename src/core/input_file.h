// Reading input files with bounds. Whatever a user or another program hands
// us (-iL /dev/zero, a 1 GB line, a directory, a FIFO nobody writes) must
// fail in one line instead of eating memory: every read here has a limit,
// and its error names the file, the line and the limit.
// Thread-safety: a LineReader belongs to one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tj {

struct InputLimits {
  size_t max_line = 4096;              // bytes in one line
  uint64_t max_bytes = 256ull << 20;   // bytes in the whole file
  uint64_t max_lines = 4'000'000;      // lines (a file of nothing but newlines is still read to its end)
};

// Line by line, "-" for standard input.
class LineReader {
 public:
  // Fails when the file cannot be opened or is a directory.
  static Result<LineReader> Open(const std::string& path, const InputLimits& limits = InputLimits());
  LineReader(LineReader&& o) noexcept;
  LineReader& operator=(LineReader&&) = delete;
  ~LineReader();

  // The next line, without its newline (and \r). False at the end of the
  // file or on an error; status() says which.
  bool Next(std::string* line);
  const Status& status() const { return status_; }
  uint64_t line_no() const { return line_no_; }

 private:
  LineReader(int fd, std::string path, const InputLimits& limits) : fd_(fd), path_(std::move(path)), limits_(limits) {}
  bool Fill();

  int fd_ = -1;
  std::string path_;
  InputLimits limits_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t bytes_ = 0, line_no_ = 0;
  Status status_;
};

// A whole file of at most max_bytes, for parsers that need it at once.
Result<std::string> ReadBoundedFile(const std::string& path, uint64_t max_bytes, std::string_view what);

}  // namespace tj
