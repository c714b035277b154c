#include "report/safe_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tj {
namespace {

Error CannotWrite(const std::string& path, int err) {
  return MakeError(fmt::format("cannot write output file \"{}\": {}", path, std::strerror(err)));
}

// Six characters that make the temporary name unlikely to be taken; O_EXCL
// is what makes it safe when it is.
std::string RandomSuffix() {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[6] = {};
  static unsigned counter = 0;
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    unsigned mix = static_cast<unsigned>(getpid()) * 2654435761u + counter++;
    for (size_t i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<unsigned char>(mix >> (5 * i));
  }
  std::string s;
  for (unsigned char b : bytes) s.push_back(kChars[b % (sizeof kChars - 1)]);
  return s;
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Makes the rename itself durable. Best effort: the new file is complete and
// in place whether or not this succeeds, and a failure cannot undo the rename.
void SyncDir(const std::string& path) {
  int fd = open(DirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

// A symbolic link another user put in a shared directory (sticky and
// writable by all, like /tmp) is not followed: writing through it would
// replace whatever that user pointed it at with our report. The rule is the
// kernel's fs.protected_symlinks, kept here for machines that turn it off:
// the link must be ours or the directory owner's.
Status CheckLink(const std::string& path) {
  struct stat lst {}, dst {};
  if (lstat(path.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) return Status::Ok();
  if (stat(DirOf(path).c_str(), &dst) != 0) return Status::Ok();
  const bool shared = (dst.st_mode & S_ISVTX) && (dst.st_mode & S_IWOTH);
  if (!shared || lst.st_uid == geteuid() || lst.st_uid == dst.st_uid) return Status::Ok();
  return MakeError(fmt::format("output file \"{}\" is a symbolic link that another user (uid {}) made in a shared "
                               "directory: refusing to write through it",
                               path, lst.st_uid));
}

// Temporary files a killed run left beside the target ("report.xml.tmp-a1b2c3"):
// each is locked while its run writes it, so one whose lock can be taken
// belongs to no live run and goes. Only ours, only regular files.
void RemoveStaleTemps(const std::string& target) {
  const std::string dir = DirOf(target);
  const std::string prefix = target.substr(target.rfind('/') + 1) + ".tmp-";
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    std::string_view name = e->d_name;
    if (!name.starts_with(prefix) || name.size() != prefix.size() + 6) continue;
    std::string path = dir + "/" + std::string(name);
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) continue;
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && flock(fd, LOCK_EX | LOCK_NB) == 0)
      unlink(path.c_str());
    close(fd);
  }
  closedir(d);
}

}  // namespace

Result<OutputFile> OutputFile::Open(const std::string& path, OutputMode mode, const MoverSlot* slot) {
  if (path == "-") return OutputFile(stdout);
  if (path.empty()) return MakeError("an output file name is empty");
  if (Status s = CheckLink(path); !s.ok()) return Error{s.message()};
  struct stat st {};
  const bool exists = stat(path.c_str(), &st) == 0;  // follows a symbolic link
  if (mode == OutputMode::kStream || (exists && !S_ISREG(st.st_mode))) {
    FILE* f = fopen(path.c_str(), "w");
    if (!f) return CannotWrite(path, errno);
    OutputFile out(f);
    out.target_ = path;
    return out;
  }
  std::string target = path;
  if (exists) {
    // rename() needs only the directory to be writable; refuse a read-only
    // file as writing it in place would.
    if (access(path.c_str(), W_OK) != 0) return CannotWrite(path, errno);
    // A symbolic link stays a link: the new file replaces what it points to.
    struct stat lst {};
    if (lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
      if (char* real = realpath(path.c_str(), nullptr)) {
        target = real;
        free(real);
      }
    }
  }
  auto file = OpenTemp(path, target, exists ? std::optional<mode_t>(st.st_mode & 07777) : std::nullopt);
  if (file) file->slot_ = slot;
  return file;
}

Result<OutputFile> OutputFile::OpenTemp(const std::string& path, const std::string& target,
                                        std::optional<mode_t> keep_mode) {
  RemoveStaleTemps(target);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string temp = fmt::format("{}.tmp-{}", target, RandomSuffix());
    int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, keep_mode.value_or(0666));
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return CannotWrite(path, errno);
    }
    // Held until the file is closed: tells a later run this one is alive.
    flock(fd, LOCK_EX | LOCK_NB);
    // The replacement keeps the old file's mode, which the umask must not narrow.
    if (keep_mode) fchmod(fd, *keep_mode);
    FILE* f = fdopen(fd, "w");
    if (!f) {
      int err = errno;
      close(fd);
      unlink(temp.c_str());
      return CannotWrite(path, err);
    }
    OutputFile out(f);
    out.target_ = target;
    out.temp_ = std::move(temp);
    return out;
  }
  return CannotWrite(path, EEXIST);
}

OutputFile::~OutputFile() { Abandon(); }

OutputFile& OutputFile::operator=(OutputFile&& o) noexcept {
  if (this != &o) {
    Abandon();
    f_ = o.f_;
    target_ = std::move(o.target_);
    temp_ = std::move(o.temp_);
    slot_ = o.slot_;
    o.f_ = nullptr;
    o.temp_.clear();
  }
  return *this;
}

int OutputFile::MoveIntoPlace() const {
  if (slot_ && slot_->mover) return slot_->mover->Rename(temp_, target_);
  return rename(temp_.c_str(), target_.c_str()) == 0 ? 0 : errno;
}

void OutputFile::RemoveTemp() const {
  if (slot_ && slot_->mover) slot_->mover->Remove(temp_);
  else unlink(temp_.c_str());
}

void OutputFile::Abandon() {
  if (!f_) return;
  if (!temp_.empty()) {
    fclose(f_);
    RemoveTemp();
    temp_.clear();
  } else if (f_ == stdout) {
    fflush(f_);
  } else {
    fclose(f_);
  }
  f_ = nullptr;
}

Status OutputFile::Commit() {
  if (!f_) return Status::Ok();
  const std::string name = target_.empty() ? "standard output" : fmt::format("output file \"{}\"", target_);
  auto failed = [&](int err) {
    return MakeError(fmt::format("writing {} failed: {}", name, err ? std::strerror(err) : "a write failed"));
  };
  if (temp_.empty()) {
    if (fflush(f_) != 0) return failed(errno);
    if (ferror(f_)) return failed(0);
    return Status::Ok();
  }
  int err = -1;
  if (fflush(f_) != 0) err = errno;
  else if (ferror(f_)) err = 0;
  else if (fsync(fileno(f_)) != 0) err = errno;
  if (fclose(f_) != 0 && err == -1) err = errno;
  f_ = nullptr;
  if (err == -1) {
    int e = MoveIntoPlace();
    if (e != 0) err = e;
  }
  if (err != -1) {
    RemoveTemp();
    temp_.clear();
    return MakeError(fmt::format("{} (the previous file, if any, is unchanged)", failed(err).message));
  }
  temp_.clear();
  SyncDir(target_);
  return Status::Ok();
}

}  // namespace tj
