#include "session/resume_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/input_file.h"
#include "core/user_dirs.h"
#include "core/utf8.h"
#include "session/record_codec.h"
#include "session/request_codec.h"

namespace tj {
namespace {

using Json = nlohmann::json;
// 4: one document per line, signed by the last line, every field checked;
// the scan as a request (session/request_codec.h), the hosts as the record
// codec's lines. 3 held the scan's arguments and fewer host fields: refused
// (the scan is quick to start again); 1 was unsigned; 2 was never released.
constexpr int kFormat = 4;

std::string Hex(const unsigned char* p, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", p[i]);
  return out;
}

// HMAC-SHA256 over bytes given in pieces (OpenSSL 3's EVP_MAC).
class Hmac {
 public:
  explicit Hmac(std::string_view key) {
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx_ = mac_ ? EVP_MAC_CTX_new(mac_) : nullptr;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    ok_ = ctx_ && EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) == 1;
  }
  ~Hmac() {
    EVP_MAC_CTX_free(ctx_);
    EVP_MAC_free(mac_);
  }
  Hmac(const Hmac&) = delete;
  Hmac& operator=(const Hmac&) = delete;
  void Update(std::string_view bytes) {
    ok_ = ok_ && EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) == 1;
  }
  // Hex, or "" when OpenSSL failed.
  std::string Final() {
    unsigned char md[EVP_MAX_MD_SIZE];
    size_t len = 0;
    ok_ = ok_ && EVP_MAC_final(ctx_, md, &len, sizeof md) == 1;
    return ok_ ? Hex(md, len) : "";
  }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* ctx_ = nullptr;
  bool ok_ = false;
};

bool IsKey(std::string_view k) {
  return k.size() == 64 && std::all_of(k.begin(), k.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

Result<std::string> LoadResumeKey(bool create) {
  const std::string dir = UserDataDir();
  if (dir.empty()) return MakeError("no place for the resume key: HOME is not set and this user has no home directory");
  const std::string path = dir + "/resume.key";
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      struct stat st{};
      char buf[80];
      ssize_t n = fstat(fd, &st) == 0 ? read(fd, buf, sizeof buf) : -1;
      close(fd);
      if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0)
        return MakeError(fmt::format("resume key \"{}\" is not this user's own file of mode 0600: refusing it",
                                     Printable(path)));
      std::string_view k(buf, n > 0 ? static_cast<size_t>(n) : 0);
      while (!k.empty() && (k.back() == '\n' || k.back() == '\r')) k.remove_suffix(1);
      if (!IsKey(k)) return MakeError(fmt::format("resume key \"{}\" is damaged (not 64 hex digits)", Printable(path)));
      return std::string(k);
    }
    if (errno == ELOOP) return MakeError(fmt::format("resume key \"{}\" is a symbolic link: refusing it", Printable(path)));
    if (errno != ENOENT)
      return MakeError(fmt::format("cannot read the resume key \"{}\": {}", Printable(path), std::strerror(errno)));
    if (!create)
      return MakeError(fmt::format("no resume key \"{}\": this user has not written a resume file here",
                                   Printable(path)));
    if (Status s = MakeUserDataDir(); !s.ok()) return MakeError(fmt::format("the resume key: {}", s.message()));
    unsigned char raw[32];
    if (getrandom(raw, sizeof raw, 0) != static_cast<ssize_t>(sizeof raw))
      return MakeError(fmt::format("cannot make a resume key: {}", std::strerror(errno)));
    const std::string key = Hex(raw, sizeof raw) + "\n";
    fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) continue;  // another run made it first: read theirs
    if (fd < 0) return MakeError(fmt::format("cannot create the resume key \"{}\": {}", Printable(path), std::strerror(errno)));
    bool ok = write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
    ok = close(fd) == 0 && ok;
    if (!ok) {
      unlink(path.c_str());
      return MakeError(fmt::format("cannot write the resume key \"{}\"", Printable(path)));
    }
    return key.substr(0, 64);
  }
  return MakeError(fmt::format("cannot read the resume key \"{}\"", Printable(path)));
}

namespace {

std::string Line(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n"; }

}  // namespace

Result<ResumeSpool> ResumeSpool::Open() {
  std::FILE* f = std::tmpfile();  // unlinked: nothing is left behind, whatever happens
  if (!f) return MakeError(fmt::format("cannot make a temporary file for the resume state: {}", std::strerror(errno)));
  return ResumeSpool(f);
}

ResumeSpool::~ResumeSpool() {
  if (file_) std::fclose(file_);
}

void ResumeSpool::Add(const HostResult& h) {
  const std::string line = EncodeHostLine(h);
  if (status_.ok() && std::fwrite(line.data(), 1, line.size(), file_) != line.size())
    status_ = MakeError(fmt::format("cannot keep the resume state: {}", std::strerror(errno)));
}

Status WriteResumeFile(OutputFile& out, const ScanRequest& request, uint64_t start_index,
                       ResumeSpool& hosts, std::string_view key) {
  auto fail = [&] { return MakeError(fmt::format("cannot write resume file \"{}\"", Printable(out.target_path()))); };
  if (!hosts.status().ok()) return hosts.status();
  if (!out.get()) return fail();
  Hmac mac(key);
  auto put = [&](std::string_view bytes) {
    mac.Update(bytes);
    return std::fwrite(bytes.data(), 1, bytes.size(), out.get()) == bytes.size();
  };
  if (!put(Line(Json{{"tojimari_resume", kFormat},
                     {"request", Json::parse(EncodeRequest(request))},
                     {"start_index", start_index}})))
    return fail();
  if (std::fflush(hosts.file_) != 0 || std::fseek(hosts.file_, 0, SEEK_SET) != 0) return fail();
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, hosts.file_)) > 0;)
    if (!put(std::string_view(buf, n))) return fail();
  if (std::ferror(hosts.file_)) return fail();
  const std::string sig = mac.Final();
  if (sig.empty()) return MakeError("cannot sign the resume file (OpenSSL's HMAC failed)");
  const std::string last = Line(Json{{"mac", sig}});
  if (std::fwrite(last.data(), 1, last.size(), out.get()) != last.size()) return fail();
  return out.Commit();
}

Result<ResumeState> ParseResume(std::string_view text, std::string_view path, std::string_view key) {
  auto bad = [&](std::string_view why) {
    return MakeError(fmt::format("resume file \"{}\": {}", Printable(path), Printable(why.substr(0, 200))));
  };
  // The header line first: what kind of file this is.
  const size_t first_end = text.find('\n');
  Json head = Json::parse(text.substr(0, first_end), nullptr, false);
  if (head.is_discarded() || !head.is_object()) return bad("not a tojimari resume file");
  const Json* format = head.contains("tojimari_resume") ? &head["tojimari_resume"] : nullptr;
  if (!format || !format->is_number_integer()) return bad("not a tojimari resume file");
  if (*format != kFormat)
    return bad(*format < kFormat ? "written by an older tojimari (unsigned, or of another form): scan again"
                                 : "written by a newer tojimari");
  // The last line signs every byte before it.
  std::string_view body = text;
  if (body.ends_with('\n')) body.remove_suffix(1);
  const size_t last_start = body.rfind('\n');
  if (last_start == std::string_view::npos || first_end == std::string_view::npos) return bad("has no signature");
  Json last = Json::parse(body.substr(last_start + 1), nullptr, false);
  if (last.is_discarded() || !last.is_object() || last.size() != 1 || !last.contains("mac") || !last["mac"].is_string())
    return bad("has no signature");
  if (!key.empty()) {
    Hmac mac(key);
    mac.Update(text.substr(0, last_start + 1));
    const std::string want = mac.Final(), got = last["mac"].get<std::string>();
    if (want.empty() || got.size() != want.size() || CRYPTO_memcmp(got.data(), want.data(), want.size()) != 0)
      return bad("was changed after it was written, or was written by another user: refusing to resume it");
  }
  ResumeState s;
  for (const char* field : {"request", "start_index"})
    if (!head.contains(field)) return bad(fmt::format("has no \"{}\"", field));
  if (head.size() != 3) return bad("has fields this version does not know");
  auto request = DecodeRequest(head["request"].dump());
  if (!request) return bad(request.error().message);
  s.request = std::move(*request);
  const Json& start = head["start_index"];
  if (!start.is_number_unsigned() && !(start.is_number_integer() && start.get<int64_t>() >= 0))
    return bad("\"start_index\" is not a count");
  s.start_index = start.get<uint64_t>();
  // The hosts, one per line between the two.
  std::string_view hosts = first_end < last_start ? text.substr(first_end + 1, last_start - first_end - 1) : "";
  size_t line_no = 1;
  while (!hosts.empty()) {
    ++line_no;
    const size_t nl = hosts.find('\n');
    std::string_view line = hosts.substr(0, nl);
    hosts = nl == std::string_view::npos ? std::string_view() : hosts.substr(nl + 1);
    auto h = DecodeHostLine(line);
    if (!h) return bad(fmt::format("line {}: {}", line_no, h.error().message));
    s.hosts.push_back(std::move(*h));
  }
  return s;
}

Result<ResumeState> ReadResumeFile(const std::string& path, std::string_view key) {
  auto text = ReadBoundedFile(path, kMaxResumeBytes, "resume file");
  if (!text) return text.error();
  return ParseResume(*text, path, key);
}

Status CheckResumeFits(const ResumeState& state, const TargetList& targets, const std::vector<uint16_t>& tcp,
                       const std::vector<uint16_t>& udp) {
  if (state.start_index > targets.size())
    return MakeError(fmt::format("resume file: it stopped at target {} but the scan has {}", state.start_index,
                                 targets.size()));
  std::vector<bool> in_tcp(65536), in_udp(65536);
  for (uint16_t p : tcp) in_tcp[p] = true;
  for (uint16_t p : udp) in_udp[p] = true;
  for (const HostResult& h : state.hosts) {
    if (!targets.Contains(h.addr))
      return MakeError(fmt::format("resume file: host {} is not one of the scan's targets", h.addr.ToString()));
    for (const PortResult& p : h.ports)
      if (!(p.proto == Proto::kUdp ? in_udp : in_tcp)[p.port])
        return MakeError(fmt::format("resume file: {}/{} of {} is not a port the scan probes", p.port,
                                     ProtoName(p.proto), h.addr.ToString()));
  }
  return Status::Ok();
}

}  // namespace tj
