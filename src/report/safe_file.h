// An output file that is either complete or absent: a report never leaves
// half a document in place of the good one that was there before.
//
// A report file is written to a temporary file beside its target and renamed
// over the target only when its writer has finished (Commit). rename() within
// one directory is atomic, so a crash, a kill or a full disk leaves either the
// previous file or the complete new one. The data is fsync'ed before the
// rename: otherwise, after a power cut, the rename could be on disk while the
// data is not, and the new name would hold an empty file.
//
// Streams are written in place as they go: stdout, pipes, devices such as
// /dev/null (renaming over a device node would replace the node), and NDJSON,
// which other tools read while the scan runs.
// Thread-safety: one thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "core/status.h"

namespace tj {

// Who renames a finished temporary file into place and removes an abandoned
// one: normally the process itself. After a raw scan started as root has
// switched to an unprivileged user, that user may not rename in the output's
// directory, so a helper that kept root does it (session/rename_helper.h).
class FileMover {
 public:
  virtual ~FileMover() = default;
  virtual int Rename(const std::string& from, const std::string& to) = 0;  // 0 or an errno
  virtual int Remove(const std::string& path) = 0;                         // 0 or an errno
};

// Filled in once the helper runs; files opened before that see it then.
struct MoverSlot {
  FileMover* mover = nullptr;
};

enum class OutputMode : uint8_t {
  kReplaceWhenDone,  // temporary file, renamed over the target by Commit
  kStream,           // written in place, visible while it grows
};

class OutputFile {
 public:
  OutputFile() = default;
  // Adopts a stream written in place: closed on destruction, except stdout,
  // which is only flushed.
  explicit OutputFile(FILE* f) : f_(f) {}
  // "-" is stdout. Opening is where a bad path fails (missing directory, no
  // permission), so callers open every output before the scan starts.
  // `slot`, when given, must outlive the file.
  static Result<OutputFile> Open(const std::string& path, OutputMode mode, const MoverSlot* slot = nullptr);

  // Without a successful Commit, a temporary file is removed and the target
  // is left as it was.
  ~OutputFile();
  OutputFile(OutputFile&& o) noexcept { *this = std::move(o); }
  OutputFile& operator=(OutputFile&& o) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // The stream to write to; nullptr after a Commit that closed it.
  FILE* get() const { return f_; }
  // The temporary file awaiting its rename ("" for streams) and its target.
  const std::string& temp_path() const { return temp_; }
  const std::string& target_path() const { return target_; }
  // Finishes the file. A stream is flushed. A replaced file is flushed,
  // fsync'ed, closed and renamed over its target; on any error (including an
  // earlier failed write) the temporary file is removed and the target kept.
  Status Commit();

 private:
  // A new temporary file beside target; path is the name the user gave, for errors.
  static Result<OutputFile> OpenTemp(const std::string& path, const std::string& target,
                                     std::optional<mode_t> keep_mode);
  void Abandon();
  int MoveIntoPlace() const;
  void RemoveTemp() const;

  FILE* f_ = nullptr;
  std::string target_;  // the path the user named (empty for adopted streams)
  std::string temp_;    // set while a temporary file awaits its rename
  const MoverSlot* slot_ = nullptr;
};

}  // namespace tj
