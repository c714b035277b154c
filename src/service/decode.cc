// Reply decoders; see decode.h.
#include "service/decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace tj {
namespace {

// Big-endian 32-bit words (XDR) read from the front of a reply; Next and
// Skip fail at the end instead of reading beyond it.
class Words {
 public:
  explicit Words(std::string_view b) : b_(b) {}
  bool Next(uint32_t* v) {
    if (b_.size() - pos_ < 4) return false;
    auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(b_[pos_ + i])); };
    *v = u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3);
    pos_ += 4;
    return true;
  }
  bool Skip(uint32_t n) {  // n bytes padded to a multiple of four (XDR opaque)
    uint64_t padded = (static_cast<uint64_t>(n) + 3) / 4 * 4;
    if (padded > b_.size() - pos_) return false;
    pos_ += padded;
    return true;
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

// "2-4" for 2,3,4; "1,3" otherwise.
std::string VersionList(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  if (v.empty()) return "";
  if (v.size() > 1 && v.back() - v.front() == v.size() - 1) return fmt::format("{}-{}", v.front(), v.back());
  return fmt::format("{}", fmt::join(v, ","));
}

// Well-known ONC RPC program numbers (RFC 1833, RFC 1813, the rpc file of
// most systems).
std::string_view ProgramName(uint32_t prog) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {100000, "rpcbind"}, {100003, "nfs"},      {100004, "ypserv"}, {100005, "mountd"},  {100007, "ypbind"},
      {100011, "rquotad"}, {100021, "nlockmgr"}, {100024, "status"}, {100227, "nfs_acl"},
  };
  for (auto [n, name] : kNames)
    if (n == prog) return name;
  return "";
}

struct Program {
  uint32_t prog;
  std::vector<uint32_t> versions;
  bool tcp = false, udp = false, other = false;
};

constexpr size_t kMaxListed = 12;  // programs named in extrainfo; the rest are counted

}  // namespace

bool DecodeRpcDump(std::string_view reply, ServiceInfo* info) {
  Words w(reply);
  uint32_t xid, type, stat, flavor, len, accept;
  if (!w.Next(&xid) || !w.Next(&type) || !w.Next(&stat) || type != 1 || stat != 0) return false;
  if (!w.Next(&flavor) || !w.Next(&len) || len > 400 || !w.Skip(len)) return false;  // verifier
  if (!w.Next(&accept) || accept != 0) return false;
  std::vector<Program> progs;
  uint32_t more;
  while (true) {
    if (!w.Next(&more) || more > 1) return false;  // the list must end with FALSE
    if (more == 0) break;
    uint32_t prog, vers, prot, port;
    if (!w.Next(&prog) || !w.Next(&vers) || !w.Next(&prot) || !w.Next(&port)) return false;
    auto it = std::find_if(progs.begin(), progs.end(), [&](const Program& p) { return p.prog == prog; });
    if (it == progs.end()) it = progs.insert(progs.end(), Program{prog, {}});
    it->versions.push_back(vers);
    (prot == 6 ? it->tcp : prot == 17 ? it->udp : it->other) = true;
  }
  std::vector<std::string> parts;
  for (const Program& p : progs) {
    if (parts.size() == kMaxListed) {
      parts.push_back(fmt::format("{} more", progs.size() - kMaxListed));
      break;
    }
    std::vector<std::string_view> via;
    if (p.tcp) via.push_back("tcp");
    if (p.udp) via.push_back("udp");
    if (p.other) via.push_back("other");
    std::string_view name = ProgramName(p.prog);
    parts.push_back(fmt::format("{}{}{} v{} {}", p.prog, name.empty() ? "" : " ", name,
                                VersionList(p.versions), fmt::join(via, "/")));
  }
  auto self = std::find_if(progs.begin(), progs.end(), [](const Program& p) { return p.prog == 100000; });
  if (info->version.empty() && self != progs.end()) info->version = VersionList(self->versions);
  if (info->extrainfo.empty())
    info->extrainfo =
        parts.empty() ? "RPC #100000; no programs" : fmt::format("RPC #100000; {}", fmt::join(parts, ", "));
  return true;
}

bool DecodeNtp(std::string_view reply, ServiceInfo* info) {
  if (reply.size() < 48) return false;
  auto b0 = static_cast<uint8_t>(reply[0]);
  auto stratum = static_cast<uint8_t>(reply[1]);
  int leap = b0 >> 6, vn = (b0 >> 3) & 7, mode = b0 & 7;
  if (mode != 4 || vn < 1 || vn > 4) return false;
  std::string s = fmt::format("NTP v{} server; ", vn);
  if (stratum == 0 || stratum >= 16 || leap == 3)
    s += "unsynchronized";
  else
    s += fmt::format("stratum {}", stratum);
  // A primary server's reference ID is up to four ASCII letters ("GPS", "PPS").
  if (stratum == 1) {
    std::string ref;
    for (char c : reply.substr(12, 4))
      if (c >= 'A' && c <= 'Z') ref.push_back(c);
    if (!ref.empty()) s += fmt::format(", reference {}", ref);
  }
  if (info->extrainfo.empty()) info->extrainfo = s;
  return true;
}

bool IsDecoder(std::string_view name) { return name == "rpc-dump" || name == "ntp"; }

std::string DecoderNames() { return "ntp, rpc-dump"; }

bool Decode(std::string_view name, std::string_view reply, ServiceInfo* info) {
  if (name == "rpc-dump") return DecodeRpcDump(reply, info);
  if (name == "ntp") return DecodeNtp(reply, info);
  return false;
}

}  // namespace tj
