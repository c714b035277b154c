// Privilege separation for output files. A raw scan started as root drops
// to an unprivileged user before it reads a packet; that user may not rename
// a finished report into a root-owned directory (or over a root-owned file in
// /tmp). So, just before the drop, a helper process is forked that keeps
// root and does only this: rename one of the (temporary, final) pairs it was
// given, or remove one of those temporary files, when the scanner asks by
// index. A compromised scanner can do no more than finish or drop its own
// outputs.
// Thread-safety: call from one thread; Start before any other thread exists.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "report/safe_file.h"

namespace tj {

class RenameHelper : public FileMover {
 public:
  using Pair = std::pair<std::string, std::string>;  // (temporary, final)
  static Result<std::unique_ptr<RenameHelper>> Start(std::vector<Pair> pairs);
  ~RenameHelper() override;  // ends the helper and waits for it

  int Rename(const std::string& from, const std::string& to) override;
  int Remove(const std::string& path) override;

 private:
  RenameHelper(std::vector<Pair> pairs, int sock, pid_t pid) : pairs_(std::move(pairs)), sock_(sock), pid_(pid) {}
  int Ask(uint8_t op, uint32_t index);
  std::vector<Pair> pairs_;
  int sock_;
  pid_t pid_;
};

}  // namespace tj
