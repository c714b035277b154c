// nmap's XML output (-oX), as nmap.dtd describes version 1.05 of it, so the
// tools built on it read tojimari's scans: ndiff, nmap.xsl, Metasploit's
// import, python-libnmap. Each host is written when it is complete, the
// closing runstats in End(): the file is renamed into place only then, so a
// reader never sees a document without its end.
//
// scanner="tojimari", where the DTD's enumeration allows only "nmap": the
// document should not claim that nmap ran. The consumers above key on the
// nmaprun element, not on this value (docs/XML.md has the details and what
// strict DTD validation needs).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <utility>

#include "report/port_fold.h"
#include "report/report_text.h"
#include "report/writer.h"

namespace tj {
namespace {

// Where Debian's nmap-common puts the stylesheet; a browser that opens the
// file uses it to show the report as HTML.
constexpr std::string_view kStylesheet = "file:///usr/share/nmap/nmap.xsl";

class XmlWriter : public Writer {
 public:
  XmlWriter(FilePtr out, const ServiceTable& services) : out_(std::move(out)), services_(services) {}

  Status Begin(const ScanInfo& info) override;
  Status Host(const HostResult& h) override;
  Status End(const RunSummary& s) override;

 private:
  Status Put(const std::string& s) { return WriteText(out_.get(), s, "XML"); }
  std::string Ports(const HostResult& h) const;

  FilePtr out_;
  const ServiceTable& services_;
  ScanInfo info_;
};

Status XmlWriter::Begin(const ScanInfo& info) {
  info_ = info;
  const std::string startstr = CTimeString(info.start);
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n";
  x += fmt::format("<?xml-stylesheet href=\"{}\" type=\"text/xsl\"?>\n", kStylesheet);
  x += fmt::format("<!-- {} -->\n", XmlCommentText(fmt::format("tojimari {} scan initiated {} as: {}",
                                                                info.version, startstr, info.args)));
  x += fmt::format(
      "<nmaprun scanner=\"tojimari\" args=\"{}\" start=\"{}\" startstr=\"{}\" version=\"{}\" "
      "xmloutputversion=\"1.05\">\n",
      XmlEscape(info.args), UnixSeconds(info.start), XmlEscape(startstr), XmlEscape(info.version));
  if (info.tcp_ports > 0)
    x += fmt::format("<scaninfo type=\"{}\" protocol=\"tcp\" numservices=\"{}\" services=\"{}\"/>\n",
                     XmlEscape(info.scan_type), info.tcp_ports, XmlEscape(info.tcp_services));
  if (info.udp_ports > 0)
    x += fmt::format("<scaninfo type=\"udp\" protocol=\"udp\" numservices=\"{}\" services=\"{}\"/>\n",
                     info.udp_ports, XmlEscape(info.udp_services));
  x += fmt::format("<verbose level=\"{}\"/>\n<debugging level=\"{}\"/>\n", info.verbose, info.debugging);
  return Put(x);
}

// Empty when nothing is known of the service, as nmap leaves it out then.
std::string ServiceElement(const ServiceInfo& s) {
  if (s.name.empty()) return "";
  std::string x = fmt::format("<service name=\"{}\"", XmlEscape(s.name));
  const std::pair<const char*, const std::string*> optional[] = {
      {"product", &s.product},   {"version", &s.version}, {"extrainfo", &s.extrainfo},
      {"hostname", &s.hostname}, {"ostype", &s.ostype},   {"devicetype", &s.devicetype}};
  for (const auto& [attr, value] : optional)
    if (!value->empty()) x += fmt::format(" {}=\"{}\"", attr, XmlEscape(*value));
  // The DTD knows one tunnel, ssl, and two methods.
  if (s.tunnel == "ssl") x += " tunnel=\"ssl\"";
  x += fmt::format(" method=\"{}\" conf=\"{}\"/>", s.method == "probed" ? "probed" : "table",
                   std::clamp(s.conf, 0, 10));
  return x;
}

// A -sV certificate as nmap's ssl-cert script element: its text in output,
// the fields as elem (the DTD's only place for them).
std::string CertScript(const CertInfo& c) {
  std::vector<std::string> lines = CertLines(c);
  std::string text;
  for (const auto& l : lines) text += (text.empty() ? "" : "\n") + l;
  std::string x = fmt::format("<script id=\"ssl-cert\" output=\"{}\">", XmlEscape(text));
  auto elem = [&](std::string_view key, std::string_view v) {
    x += fmt::format("<elem key=\"{}\">{}</elem>", key, XmlEscape(v));
  };
  elem("subject", c.subject);
  elem("issuer", c.issuer);
  x += "<table key=\"alt_names\">";
  for (const auto& n : c.alt_names) x += fmt::format("<elem>{}</elem>", XmlEscape(n));
  x += "</table><table key=\"validity\">";
  elem("notBefore", c.not_before);
  elem("notAfter", c.not_after);
  x += "</table>";
  elem("sha256", c.sha256);
  for (auto [key, v] : {std::pair<const char*, bool>{"self_signed", c.self_signed},
                        {"expired", c.expired},
                        {"expires_soon", c.expires_soon},
                        {"not_yet_valid", c.not_yet_valid},
                        {"starttls", c.starttls}})
    elem(key, v ? "true" : "false");
  return x + "</script>";
}

std::string_view HostState(HostStatus s) { return s == HostStatus::kDown ? "down" : "up"; }

Status XmlWriter::Host(const HostResult& h) {
  const bool timed_out = h.status == HostStatus::kTimedOut;
  std::string x = fmt::format("<host endtime=\"{}\"{}>", UnixSeconds(std::chrono::system_clock::now()),
                              timed_out ? " timedout=\"true\"" : "");
  // The DTD requires reason_ttl; 0 when it is not known, as nmap writes.
  x += fmt::format("<status state=\"{}\" reason=\"{}\" reason_ttl=\"{}\"/>\n", HostState(h.status),
                   ReasonName(h.reason), h.reason_ttl);
  x += fmt::format("<address addr=\"{}\" addrtype=\"{}\"/>\n", h.addr.ToString(),
                   h.addr.is_v4() ? "ipv4" : "ipv6");
  if (!h.mac.is_zero()) {  // nmap writes MACs in capitals
    std::string mac = h.mac.ToString();
    std::transform(mac.begin(), mac.end(), mac.begin(), [](unsigned char c) { return std::toupper(c); });
    x += fmt::format("<address addr=\"{}\" addrtype=\"mac\"/>\n", mac);
  }
  x += "<hostnames>\n";
  if (!h.name.empty())
    x += fmt::format("<hostname name=\"{}\" type=\"{}\"/>\n", XmlEscape(h.name), h.name_from_ptr ? "PTR" : "user");
  x += "</hostnames>\n";
  // Like nmap, a host that timed out has no port table: its results are partial.
  if (!timed_out && !h.ports.empty()) x += Ports(h);
  // How the host defended itself (core/scan_result.h): nmap's place for
  // what a host-level script found, so nmap's readers show it.
  if (!h.notes.empty()) {
    x += "<hostscript>";
    for (const HostNote& n : h.notes)
      x += fmt::format("<script id=\"{}\" output=\"{}\"/>", XmlEscape(n.id), XmlEscape(n.text));
    x += "</hostscript>\n";
  }
  x += "</host>\n";
  return Put(x);
}

std::string XmlWriter::Ports(const HostResult& h) const {
  PortFold fold = FoldPorts(h.ports, info_.verbose, info_.open_only);
  std::string x = "<ports>";
  for (const FoldedState& f : fold.folded) {
    x += fmt::format("<extraports state=\"{}\" count=\"{}\">\n", StateName(f.state), f.count);
    for (const FoldedReason& r : f.reasons)
      x += fmt::format("<extrareasons reason=\"{}\" count=\"{}\" proto=\"{}\" ports=\"{}\"/>\n",
                       ReasonName(r.reason), r.ports.size(), ProtoName(f.proto), PortRanges(r.ports));
    x += "</extraports>\n";
  }
  for (const PortResult* p : fold.shown) {
    x += fmt::format("<port protocol=\"{}\" portid=\"{}\"><state state=\"{}\" reason=\"{}\" reason_ttl=\"{}\"",
                     ProtoName(p->proto), p->port, StateName(p->state), ReasonName(p->reason), p->reason_ttl);
    if (p->reason_ip_set) x += fmt::format(" reason_ip=\"{}\"", p->reason_ip.ToString());
    x += "/>";
    x += ServiceElement(ReportedService(*p, services_));
    if (p->service->has_cert) x += CertScript(p->service->cert);
    x += "</port>\n";
  }
  return x + "</ports>\n";
}

Status XmlWriter::End(const RunSummary& s) {
  const auto now = std::chrono::system_clock::now();
  const std::string timestr = CTimeString(now);
  std::string summary = fmt::format("tojimari done at {}; {}", timestr, DoneSummary(s));
  // An interrupted scan still ends in a valid document; exit="error" tells
  // a reader that its results are partial.
  std::string exit = s.interrupted ? " exit=\"error\" errormsg=\"Scan interrupted: the results are partial\""
                                   : " exit=\"success\"";
  if (s.interrupted) summary += " (interrupted)";
  std::string x = fmt::format(
      "<runstats><finished time=\"{}\" timestr=\"{}\" summary=\"{}\" elapsed=\"{:.2f}\"{}/>"
      "<hosts up=\"{}\" down=\"{}\" total=\"{}\"/>\n</runstats>\n</nmaprun>\n",
      UnixSeconds(now), XmlEscape(timestr), XmlEscape(summary), s.elapsed_seconds, exit, s.hosts_up,
      s.hosts_total - std::min(s.hosts_up, s.hosts_total), s.hosts_total);
  Status st = Put(x);
  Status committed = out_.Commit();
  return st.ok() ? committed : st;
}

}  // namespace

std::unique_ptr<Writer> MakeXmlWriter(FilePtr out, const ServiceTable& services) {
  return std::make_unique<XmlWriter>(std::move(out), services);
}

}  // namespace tj
