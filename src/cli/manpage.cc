// tojimari(1), written from the command table and the parameter tables:
// every command gets a section with its usage, its description and its
// options, so the page says exactly what the parser accepts.
#include <fmt/format.h>

#include "cli/command_table.h"
#include "session/scan_request.h"

namespace tj {
namespace {

// Text for roff: backslashes escaped, and a line may not start with a
// control character ('.' or '\'').
std::string Roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

// An option's name in bold, its hyphens as minus signs (what a user types).
std::string OptionName(std::string_view name) {
  std::string out = "\\fB";
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out + "\\fR";
}

std::string Paragraphs(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    size_t end = std::min(text.find("\n\n"), text.size());
    out += ".PP\n" + Roff(text.substr(0, end)) + "\n";
    text = text.substr(std::min(end + 2, text.size()));
  }
  return out;
}

std::string Options(const std::vector<ParamDoc>& docs) {
  std::string out;
  std::string_view section;
  for (const ParamDoc& p : docs) {
    if (p.help.empty()) continue;
    if (p.section != section) {
      section = p.section;
      out += fmt::format(".PP\n.I {}\n", Roff(section));
    }
    // "-T 0-5", "-PS [PORTS]": attached or not, the value is shown apart.
    std::string value = p.metavar.empty() ? "" : fmt::format(" \\fI{}\\fR", Roff(p.metavar));
    // An alias (a row without help) right after its row is named with it.
    out += fmt::format(".TP\n{}{}", OptionName(p.name), value);
    for (const ParamDoc* a = &p + 1; a < docs.data() + docs.size() && a->help.empty(); ++a)
      out += fmt::format(", {}", OptionName(a->name));
    out += fmt::format("\n{}\n", Roff(p.help));
  }
  return out;
}

}  // namespace

std::string ManPage() {
  std::string out = fmt::format(".TH TOJIMARI 1 \"\" \"tojimari {}\" \"User Commands\"\n", kVersion);
  out += ".SH NAME\ntojimari \\- checks that every door is locked: a port scanner and checker\n";
  out += ".SH SYNOPSIS\n.nf\n";
  for (const Command& c : Commands()) {
    if (c.hidden()) continue;
    std::string_view usage = c.usage;
    while (!usage.empty()) {
      size_t nl = std::min(usage.find('\n'), usage.size());
      out += fmt::format("\\fBtojimari\\fR {}\n", Roff(usage.substr(0, nl)));
      usage = usage.substr(std::min(nl + 1, usage.size()));
    }
  }
  out += ".fi\n.SH DESCRIPTION\n";
  out += Paragraphs(
      "tojimari checks that every door is locked: it finds the open ports of a network (TCP connect, SYN, "
      "FIN/NULL/Xmas, ACK, Window and UDP scans, IPv4 and IPv6, host discovery), names the services "
      "behind them (-sV), compares them with a policy (audit), keeps their history (history, diff) and "
      "watches them on a schedule (watch). Its options and reports are nmap's: -sS -sU -sV -p -Pn -T4 "
      "-oX -oN -oG.\n\n"
      "Raw scans (-sS and the other packet techniques, -sU, host discovery) need CAP_NET_RAW: run as "
      "root, or as a member of the group that the installed package gives the capability to (see "
      "PRIVILEGES). Without it a SYN scan falls back to a connect scan (-sT) with a notice, as nmap "
      "does.\n\n"
      "Scan only what you own or are allowed to scan.");
  for (const Command& c : Commands()) {
    if (c.hidden()) continue;
    std::string upper(c.name);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    out += fmt::format(".SH \"TOJIMARI {}\"\n.nf\n", Roff(upper));
    std::string_view usage = c.usage;
    while (!usage.empty()) {
      size_t nl = std::min(usage.find('\n'), usage.size());
      out += fmt::format("\\fBtojimari\\fR {}\n", Roff(usage.substr(0, nl)));
      usage = usage.substr(std::min(nl + 1, usage.size()));
    }
    out += ".fi\n" + Paragraphs(c.description);
    if (c.options) out += Options(c.options());
    if (c.scan_options()) out += ".PP\nEvery other option is a scan option (see TOJIMARI SCAN).\n";
  }
  out +=
      ".SH PRIVILEGES\n"
      ".PP\n"
      "As root, tojimari opens its raw sockets, then switches to the user nobody, clears every "
      "capability and sets no_new_privs before it reads a packet. The Debian package installs a second "
      "copy of the binary, /usr/libexec/tojimari/tojimari\\-raw, with the capabilities cap_net_raw and "
      "cap_net_admin, which only root and the members of the group \\fBtojimari\\fR may run; "
      "\\fBtojimari\\fR runs it in its place when a raw scan is asked for and the user may (add a user "
      "with \\fBadduser\\fR \\fIUSER\\fR \\fBtojimari\\fR).\n"
      ".SH EXIT STATUS\n"
      ".TP\n0\ndone (check: every port open; audit: no finding; diff: no change)\n"
      ".TP\n1\nthe answer is no (check: a port is not open; audit: findings; diff: changes)\n"
      ".TP\n2\nbad input, or the scan could not run\n"
      ".TP\n130\ninterrupted (a scan leaves tojimari.resume for \\fBtojimari resume\\fR)\n"
      ".SH ENVIRONMENT\n"
      ".TP\nXDG_DATA_HOME, HOME\nwhere the default history lives\n"
      ".TP\nNO_COLOR\nno colours in the audit's text report\n"
      ".SH FILES\n"
      ".TP\n$XDG_DATA_HOME/tojimari/history.db\nthe scan history (else ~/.local/share/tojimari/history.db)\n"
      ".TP\n/usr/share/doc/tojimari/examples/policy.toml\nan example policy for \\fBtojimari audit\\fR\n"
      ".SH SEE ALSO\n"
      ".BR nmap (1),\n.BR ndiff (1)\n";
  return out;
}

}  // namespace tj
