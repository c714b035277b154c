// The resume file an interrupted scan leaves behind: the scan's request,
// the first target index whose host may be unfinished, and every result
// decided so far. `tojimari resume FILE` reads it, re-emits those results,
// and probes only what was not decided, so the union of both runs equals a
// scan that was never interrupted, with no pair probed twice.
//
// The file is data that a resumed scan runs on, so it is not trusted as it
// stands: it carries an HMAC-SHA256 under a key of the user's own
// (UserDataDir()/resume.key, 0600), and a file that was changed, or was
// written by another user, is refused before anything is read or written.
// So the saved request cannot be edited into reading or writing files the
// interrupted scan did not name. Every field is then checked on its own
// (ports 1-65535, known states and reasons, byte-sized counters), and
// against the scan the arguments describe (CheckResumeFits).
// Thread-safety: functions on caller values.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/scan_result.h"
#include "core/status.h"
#include "core/target_spec.h"
#include "report/safe_file.h"
#include "session/scan_request.h"

namespace tj {

struct ResumeState {
  ScanRequest request;            // the scan, as it was asked
  uint64_t start_index = 0;       // target indices below it were finished
  std::vector<HostResult> hosts;  // decided results, in the order they were reported
};

inline constexpr uint64_t kMaxResumeBytes = 512ull << 20;  // a larger file is refused

// The user's signing key (32 random bytes, kept hex-encoded). create: make
// it when missing. Refused when the file is a link, not the user's own, or
// readable by others.
Result<std::string> LoadResumeKey(bool create);

// The hosts a scan has decided, kept on disk as it goes (an unlinked
// temporary file) rather than in memory: a scan of a /15 keeps no more
// memory than one of a /20, and only an interrupt reads them back.
class ResumeSpool {
 public:
  static Result<ResumeSpool> Open();
  ResumeSpool(ResumeSpool&& o) noexcept : file_(o.file_), status_(std::move(o.status_)) { o.file_ = nullptr; }
  ResumeSpool& operator=(ResumeSpool&&) = delete;
  ~ResumeSpool();
  void Add(const HostResult& h);
  const Status& status() const { return status_; }

 private:
  friend Status WriteResumeFile(OutputFile&, const ScanRequest&, uint64_t, ResumeSpool&, std::string_view);
  explicit ResumeSpool(std::FILE* f) : file_(f) {}
  std::FILE* file_;
  Status status_;
};

// Writes the state (the scan's request, where it stopped, the spooled
// hosts), signed with key, and commits the file (see report/safe_file.h: a
// crash leaves the previous file). The file is opened before the scan,
// while the process may still rename in its directory.
//
// Format 4, one JSON document per line: {"tojimari_resume":4,"request":{...},
// "start_index":N}, then one line per host (session/record_codec.h), then
// {"mac":"<HMAC-SHA256 of every byte before this line>"}.
Status WriteResumeFile(OutputFile& out, const ScanRequest& request, uint64_t start_index,
                       ResumeSpool& hosts, std::string_view key);

// Reads and checks a resume file (at most kMaxResumeBytes).
Result<ResumeState> ReadResumeFile(const std::string& path, std::string_view key);
// The same on text in memory; an empty key skips the signature (the fuzzer
// reaches the field checks this way).
Result<ResumeState> ParseResume(std::string_view text, std::string_view path, std::string_view key);

// Whether the saved state belongs to this scan: start_index within the
// targets, every host one of them, every port one the scan probes.
Status CheckResumeFits(const ResumeState& state, const TargetList& targets, const std::vector<uint16_t>& tcp,
                       const std::vector<uint16_t>& udp);

}  // namespace tj
