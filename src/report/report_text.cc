#include "report/report_text.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <ctime>

#include "core/utf8.h"

namespace tj {
namespace {

std::string Plural(uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// A valid UTF-8 sequence at s[i] that XML may carry (not U+FFFE or U+FFFF,
// EF BF BE/BF), its length; 0 otherwise.
size_t XmlCharLength(std::string_view s, size_t i) {
  size_t len = Utf8Length(s, i);
  if (len == 3 && s.substr(i, 2) == "\xEF\xBF" && static_cast<unsigned char>(s[i + 2]) >= 0xBE) return 0;
  return len;
}

std::string Hex(unsigned char c) { return fmt::format("\\x{:02x}", c); }

}  // namespace

std::string CTimeString(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  return fmt::format("{:%a %b %e %H:%M:%S %Y}", fmt::localtime(tt));
}

long long UnixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string DoneSummary(const RunSummary& s) {
  return fmt::format("{} ({}) scanned in {:.2f} seconds", Plural(s.hosts_total, "IP address", "IP addresses"),
                     Plural(s.hosts_up, "host up", "hosts up"), s.elapsed_seconds);
}

ServiceInfo ReportedService(const PortResult& p, const ServiceTable& services) {
  if (!p.service->method.empty() && !p.service->name.empty()) return *p.service;
  ServiceInfo s;
  s.name = services.Name(p.proto, p.port);
  if (!s.name.empty()) {
    s.method = "table";
    s.conf = 3;
  }
  return s;
}

std::string VersionText(const ServiceInfo& s) {
  std::string out = s.product;
  if (!s.version.empty()) out += (out.empty() ? "" : " ") + s.version;
  if (!s.extrainfo.empty()) out += (out.empty() ? "(" : " (") + s.extrainfo + ")";
  return out;
}

namespace {

// Walks s character by character: valid UTF-8 sequences are kept whole,
// other bytes go to `one` (with a flag saying whether the byte was the
// start of invalid UTF-8). XML and grepable output differ only in `one`.
template <typename Fn>
std::string MapChars(std::string_view s, Fn one) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = XmlCharLength(s, i);
    if (len > 1) {
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    ++i;
    one(c, len == 0, out);
  }
  return out;
}

// Control characters and invalid UTF-8 as \xNN, so a hostile name or banner
// cannot break a line or a document.
void PlainOrHex(unsigned char c, bool invalid, std::string& out) {
  if (invalid || c < 0x20 || c == 0x7F) out += Hex(c);
  else out.push_back(static_cast<char>(c));
}

}  // namespace

std::string XmlEscape(std::string_view s) {
  return MapChars(s, [](unsigned char c, bool invalid, std::string& out) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: PlainOrHex(c, invalid, out);
    }
  });
}

std::string XmlCommentText(std::string_view s) {
  std::string escaped = XmlEscape(s);
  std::string out;
  for (char c : escaped) {
    if (c == '-' && !out.empty() && out.back() == '-') out += "&#45;";
    else out.push_back(c);
  }
  return out;
}

std::string LineSafe(std::string_view s) { return MapChars(s, PlainOrHex); }

std::vector<std::string> CertLines(const CertInfo& c) {
  std::vector<std::string> out;
  out.push_back("Subject: " + LineSafe(c.subject));
  if (!c.alt_names.empty())
    out.push_back("Subject Alternative Name: " + LineSafe(fmt::format("{}", fmt::join(c.alt_names, ", "))));
  out.push_back("Issuer: " + LineSafe(c.issuer));
  out.push_back("Not valid before: " + LineSafe(c.not_before));
  out.push_back("Not valid after:  " + LineSafe(c.not_after));
  std::vector<std::string_view> flags;
  if (c.self_signed) flags.push_back("self-signed");
  if (c.expired) flags.push_back("expired");
  if (c.expires_soon) flags.push_back("expires within 30 days");
  if (c.not_yet_valid) flags.push_back("not yet valid");
  if (!flags.empty()) out.push_back(fmt::format("Flags: {}", fmt::join(flags, ", ")));
  if (c.starttls) out.push_back("Reached by: STARTTLS (the service's own upgrade to TLS)");
  out.push_back("SHA-256: " + LineSafe(c.sha256));
  return out;
}

}  // namespace tj
