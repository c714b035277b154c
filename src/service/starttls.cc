// The upgrades, one table row per protocol; see starttls.h.
#include "service/starttls.h"

#include <array>
#include <cctype>
#include <span>

namespace tj {
namespace {

// How a reply to one step is framed, so we know when it is complete.
enum class Frame {
  kCodeLines,  // SMTP, FTP: "250-..." lines until one with "250 "
  kLine,       // POP3, an IMAP greeting: one line
  kTagged,     // IMAP: untagged "* ..." lines until the one tagged "a "
  kByte,       // PostgreSQL: one byte, 'S' (go ahead) or 'N'
  kBer,        // LDAP: one BER-encoded LDAPMessage
  kTpkt,       // RDP: one TPKT packet (its length in bytes 2-3)
};

struct Step {
  std::string_view send;  // empty: just read (a greeting)
  Frame frame;
  std::string_view ok;  // the reply's final line starts with this (text frames), or its first byte
};

using namespace std::string_view_literals;

constexpr std::array kSmtp = {Step{""sv, Frame::kCodeLines, "220"sv},
                              Step{"EHLO tojimari.invalid\r\n"sv, Frame::kCodeLines, "250"sv},
                              Step{"STARTTLS\r\n"sv, Frame::kCodeLines, "220"sv}};
constexpr std::array kFtp = {Step{""sv, Frame::kCodeLines, "220"sv},
                             Step{"AUTH TLS\r\n"sv, Frame::kCodeLines, "234"sv}};
constexpr std::array kImap = {Step{""sv, Frame::kLine, "* OK"sv},
                              Step{"a STARTTLS\r\n"sv, Frame::kTagged, "a OK"sv}};
constexpr std::array kPop3 = {Step{""sv, Frame::kLine, "+OK"sv}, Step{"STLS\r\n"sv, Frame::kLine, "+OK"sv}};
// SSLRequest: length 8, code 80877103.
constexpr std::array kPostgres = {Step{"\x00\x00\x00\x08\x04\xd2\x16\x2f"sv, Frame::kByte, "S"sv}};
// ExtendedRequest (message 1) with requestName 1.3.6.1.4.1.1466.20037.
constexpr std::array kLdap = {
    Step{"\x30\x1d\x02\x01\x01\x77\x18\x80\x16"
         "1.3.6.1.4.1.1466.20037"sv,
         Frame::kBer, ""sv}};
// X.224 Connection Request with an RDP Negotiation Request for TLS only.
constexpr std::array kRdp = {Step{
    "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x01\x00\x00\x00"sv, Frame::kTpkt, ""sv}};

std::span<const Step> StepsFor(std::string_view service) {
  if (service == "smtp" || service == "submission") return kSmtp;
  if (service == "ftp") return kFtp;
  if (service == "imap") return kImap;
  if (service == "pop3") return kPop3;
  if (service == "postgresql") return kPostgres;
  if (service == "ldap") return kLdap;
  if (service == "ms-wbt-server") return kRdp;
  return {};
}

StepReply Agreed(bool ok) { return ok ? StepReply::kYes : StepReply::kNo; }

bool IsCodeLine(std::string_view l) {
  return l.size() >= 4 && l[0] >= '1' && l[0] <= '5' && std::isdigit(static_cast<unsigned char>(l[1])) &&
         std::isdigit(static_cast<unsigned char>(l[2])) && (l[3] == ' ' || l[3] == '-' || l[3] == '\r');
}

// Text frames: walks the complete lines.
StepReply JudgeLines(Frame f, std::string_view ok, std::string_view r) {
  for (size_t nl; (nl = r.find('\n')) != std::string_view::npos; r.remove_prefix(nl + 1)) {
    std::string_view line = r.substr(0, nl);
    switch (f) {
      case Frame::kCodeLines:
        if (!IsCodeLine(line)) return StepReply::kNo;
        if (line[3] != '-') return Agreed(line.starts_with(ok));
        break;
      case Frame::kTagged:
        if (line.starts_with("a ")) return Agreed(line.starts_with(ok));
        break;
      default:
        return Agreed(line.starts_with(ok));
    }
  }
  return StepReply::kIncomplete;
}

// LDAP: SEQUENCE { messageID 1, [APPLICATION 24] ExtendedResponse { resultCode ... } }.
StepReply JudgeBer(std::string_view r) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(r[i]); };
  if (r.size() < 2) return StepReply::kIncomplete;
  if (byte(0) != 0x30) return StepReply::kNo;
  size_t hdr = 2, len = byte(1);
  if (len & 0x80) {
    size_t n = len & 0x7f;
    if (n == 0 || n > 3) return StepReply::kNo;
    if (r.size() < 2 + n) return StepReply::kIncomplete;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = len << 8 | byte(2 + i);
    hdr += n;
  }
  if (r.size() < hdr + len) return StepReply::kIncomplete;
  std::string_view body = r.substr(hdr, len);
  if (!body.starts_with("\x02\x01\x01\x78"sv) || body.size() < 6) return StepReply::kNo;
  size_t at = 5;  // past the ExtendedResponse's tag and first length byte
  if (static_cast<unsigned char>(body[4]) & 0x80) at += static_cast<unsigned char>(body[4]) & 0x7f;
  return Agreed(body.substr(std::min(at, body.size())).starts_with("\x0a\x01\x00"sv));
}

// RDP: a Connection Confirm whose Negotiation Response chose TLS (1).
StepReply JudgeTpkt(std::string_view r) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(r[i]); };
  if (r.size() < 4) return StepReply::kIncomplete;
  if (byte(0) != 3) return StepReply::kNo;
  size_t len = byte(2) << 8 | byte(3);
  if (r.size() < len) return StepReply::kIncomplete;
  return Agreed(len >= 19 && byte(5) == 0xd0 && byte(11) == 0x02 && r.substr(15, 4) == "\x01\x00\x00\x00"sv);
}

}  // namespace

bool HasStartTls(std::string_view service) { return !StepsFor(service).empty(); }

StepReply JudgeStep(std::string_view service, int step, std::string_view reply) {
  auto steps = StepsFor(service);
  if (step < 0 || static_cast<size_t>(step) >= steps.size()) return StepReply::kNo;
  const Step& s = steps[step];
  switch (s.frame) {
    case Frame::kByte:
      return reply.empty() ? StepReply::kIncomplete : Agreed(reply[0] == s.ok[0]);
    case Frame::kBer:
      return JudgeBer(reply);
    case Frame::kTpkt:
      return JudgeTpkt(reply);
    default:
      return JudgeLines(s.frame, s.ok, reply);
  }
}

bool UpgradeToTls(std::string_view service, Conn* c, Clock::time_point deadline,
                  std::chrono::milliseconds quiet) {
  auto steps = StepsFor(service);
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!steps[i].send.empty() && !c->Send(steps[i].send, deadline)) return false;
    std::string reply;
    int step = static_cast<int>(i);
    c->Read(&reply, 16 * 1024, deadline, quiet,
            [&](const std::string& b) { return JudgeStep(service, step, b) != StepReply::kIncomplete; });
    if (JudgeStep(service, step, reply) != StepReply::kYes) return false;
  }
  return c->StartTls(deadline);
}

}  // namespace tj
