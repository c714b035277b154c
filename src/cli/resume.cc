#include "cli/resume.h"

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
#include <unordered_set>

#include "core/input_file.h"
#include "core/user_dirs.h"
#include "core/utf8.h"

namespace tj {
namespace {

using Json = nlohmann::json;
// 3: one document per line, signed by the last line, every field checked.
// Format 1 files (unsigned) are refused: anyone could have written them; 2
// (one document, signed) was never released.
constexpr int kFormat = 3;

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

Json PortToJson(const PortResult& p) {
  return Json::array({p.port, ProtoName(p.proto), StateName(p.state), ReasonName(p.reason), p.reason_ttl,
                      p.rtt.count(), p.tries});
}

// An integer field within [lo, hi]; a fraction, a string or an out-of-range
// number is an error rather than a silently wrapped value.
Result<int64_t> Int(const Json& j, int64_t lo, int64_t hi, std::string_view what) {
  if (!j.is_number_integer()) return MakeError(fmt::format("{} is not an integer", what));
  if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return MakeError(fmt::format("{} is out of range", what));
  int64_t v = j.get<int64_t>();
  if (v < lo || v > hi) return MakeError(fmt::format("{} {} is out of range {}-{}", what, v, lo, hi));
  return v;
}

Result<PortResult> PortFromJson(const Json& j, const Address& addr) {
  if (!j.is_array() || j.size() != 7) return MakeError("a port entry is not a 7-element array");
  PortResult p;
  p.addr = addr;
  auto port = Int(j[0], 1, 65535, "a port");
  if (!port) return port.error();
  p.port = static_cast<uint16_t>(*port);
  if (!j[1].is_string() || (j[1] != "tcp" && j[1] != "udp")) return MakeError("a port's protocol is not tcp or udp");
  p.proto = j[1] == "udp" ? Proto::kUdp : Proto::kTcp;
  if (!j[2].is_string() || !j[3].is_string()) return MakeError("a port's state or reason is not a name");
  auto state = StateFromName(j[2].get<std::string>());
  auto reason = ReasonFromName(j[3].get<std::string>());
  if (!state || !reason) return MakeError("a port entry has an unknown state or reason");
  p.state = *state;
  p.reason = *reason;
  auto ttl = Int(j[4], 0, 255, "a reply's TTL");
  auto rtt = Int(j[5], 0, int64_t{3600} * 1000 * 1000, "a round-trip time");
  auto tries = Int(j[6], 0, 255, "a port's tries");
  if (!ttl) return ttl.error();
  if (!rtt) return rtt.error();
  if (!tries) return tries.error();
  p.reason_ttl = static_cast<uint8_t>(*ttl);
  p.rtt = std::chrono::microseconds(*rtt);
  p.tries = static_cast<uint8_t>(*tries);
  return p;
}

Result<HostResult> HostFromJson(const Json& j) {
  if (!j.is_object() || !j.contains("ip") || !j["ip"].is_string() || !j.contains("ports") || !j["ports"].is_array())
    return MakeError("a host entry lacks its address or ports");
  HostResult h;
  auto addr = Address::Parse(j["ip"].get<std::string>());
  if (!addr) return MakeError("a host has an invalid address");
  h.addr = *addr;
  if (j.contains("name") && !j["name"].is_string()) return MakeError("a host's name is not a string");
  h.name = j.value("name", "");
  if (FirstInvalidUtf8Line(h.name) != 0 || h.name.size() > 1024) return MakeError("a host's name is not valid text");
  auto reason = ReasonFromName(j.value("reason", "user-set"));
  if (!reason) return MakeError("a host has an unknown reason");
  h.reason = *reason;
  if (j.contains("latency_us")) {
    auto lat = Int(j["latency_us"], 0, int64_t{3600} * 1000 * 1000, "a host's latency");
    if (!lat) return lat.error();
    h.latency = std::chrono::microseconds(*lat);
  }
  std::unordered_set<uint32_t> seen;
  for (const Json& pj : j["ports"]) {
    auto p = PortFromJson(pj, h.addr);
    if (!p) return p.error();
    if (!seen.insert(uint32_t{p->port} << 1 | (p->proto == Proto::kUdp)).second)
      return MakeError(fmt::format("port {} of {} is given twice", p->port, h.addr.ToString()));
    h.ports.push_back(*p);
  }
  return h;
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

Json HostToJson(const HostResult& h) {
  Json ports = Json::array();
  for (const PortResult& p : h.ports) ports.push_back(PortToJson(p));
  return {{"ip", h.addr.ToString()},
          {"name", h.name},
          {"reason", ReasonName(h.reason)},
          {"latency_us", h.latency.count()},
          {"ports", std::move(ports)}};
}

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
  const std::string line = Line(HostToJson(h));
  if (status_.ok() && std::fwrite(line.data(), 1, line.size(), file_) != line.size())
    status_ = MakeError(fmt::format("cannot keep the resume state: {}", std::strerror(errno)));
}

Status WriteResumeFile(OutputFile& out, const std::vector<std::string>& args, uint64_t start_index,
                       ResumeSpool& hosts, std::string_view key) {
  auto fail = [&] { return MakeError(fmt::format("cannot write resume file \"{}\"", Printable(out.target_path()))); };
  if (!hosts.status().ok()) return hosts.status();
  if (!out.get()) return fail();
  Hmac mac(key);
  auto put = [&](std::string_view bytes) {
    mac.Update(bytes);
    return std::fwrite(bytes.data(), 1, bytes.size(), out.get()) == bytes.size();
  };
  if (!put(Line(Json{{"tojimari_resume", kFormat}, {"args", args}, {"start_index", start_index}}))) return fail();
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
  for (const char* field : {"args", "start_index"})
    if (!head.contains(field)) return bad(fmt::format("has no \"{}\"", field));
  if (head.size() != 3) return bad("has fields this version does not know");
  const Json& args = head["args"];
  if (!args.is_array()) return bad("\"args\" is not a list");
  for (const Json& a : args) {
    if (!a.is_string()) return bad("an argument is not a string");
    s.args.push_back(a.get<std::string>());
  }
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
    Json hj = Json::parse(line, nullptr, false);
    if (hj.is_discarded()) return bad(fmt::format("line {} is not JSON", line_no));
    auto h = HostFromJson(hj);
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
