// nmap's familiar "normal" output: a header, one block per host with a
// PORT STATE SERVICE table, and a closing summary. States with many ports
// (more than 25, or 25 x (verbosity + 1); see port_fold.h) are folded into a
// "Not shown:" line broken down by reason, as nmap does, so a 65,535-port
// scan stays readable.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <tuple>

#include "report/port_fold.h"
#include "report/report_text.h"
#include "report/writer.h"

namespace tj {
namespace {

std::string Plural(uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string_view Colour(PortState s) {
  switch (s) {
    case PortState::kOpen: return "\033[32m";
    case PortState::kClosed: return "\033[31m";
    default: return "\033[33m";
  }
}

class NormalWriter : public Writer {
 public:
  NormalWriter(FilePtr out, const ServiceTable& services) : out_(std::move(out)), services_(services) {}

  Status Begin(const ScanInfo& info) override {
    info_ = info;
    std::time_t t = std::chrono::system_clock::to_time_t(info.start);
    return Print(fmt::format("Starting tojimari {} at {:%Y-%m-%d %H:%M %Z}\n", info.version,
                             fmt::localtime(t)));
  }

  Status Host(const HostResult& h) override;
  Status End(const RunSummary& s) override;

 private:
  Status Print(const std::string& s) { return WriteText(out_.get(), s, "normal"); }
  std::string Table(const std::vector<const PortResult*>& rows) const;

  FilePtr out_;
  const ServiceTable& services_;
  ScanInfo info_;
};

// Two significant digits without an exponent, as nmap writes a latency:
// 0.000045, 0.0018, 1.5.
std::string TwoDigits(double v) {
  int digits = std::max(0, 1 - static_cast<int>(std::floor(std::log10(v))));
  return fmt::format("{:.{}f}", v, digits);
}

std::string UpperMac(const MacAddr& m) {
  std::string s = m.ToString();
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

Status NormalWriter::Host(const HostResult& h) {
  // A PTR name is the network's to choose: shown printable, never raw.
  std::string name =
      h.name.empty() ? h.addr.ToString() : fmt::format("{} ({})", LineSafe(h.name), h.addr.ToString());
  std::string text = fmt::format("tojimari scan report for {}\n", name);
  if (h.status == HostStatus::kTimedOut) {
    text += "Skipping host due to host timeout\n\n";
    return Print(text);
  }
  double lat = std::chrono::duration<double>(h.latency).count();
  std::string received = info_.show_reason ? fmt::format(", received {}", ReasonName(h.reason)) : "";
  if (info_.show_reason && h.reason_ttl) received += fmt::format(" ttl {}", h.reason_ttl);
  text += lat > 0 ? fmt::format("Host is up{} ({}s latency).\n", received, TwoDigits(lat))
                  : fmt::format("Host is up{}.\n", received);
  // How the host defended itself comes before its ports: it says what
  // their states are worth.
  for (const HostNote& n : h.notes) text += fmt::format("Warning: {}: {}\n", n.id, LineSafe(n.text));

  // The shared rule decides what to fold; the "Not shown" line lists every
  // (state, reason) group, largest first, ties in (proto, state, reason) order.
  PortFold fold = FoldPorts(h.ports, info_.verbose, info_.open_only);
  const std::vector<const PortResult*>& shown = fold.shown;
  struct Group {
    size_t n;
    Proto proto;
    PortState state;
    Reason reason;
  };
  std::vector<Group> groups;
  for (const FoldedState& f : fold.folded)
    for (const FoldedReason& r : f.reasons) groups.push_back({r.ports.size(), f.proto, f.state, r.reason});
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return std::tuple(b.n, a.proto, a.state, a.reason) < std::tuple(a.n, b.proto, b.state, b.reason);
  });
  std::vector<std::string> folded;
  for (const Group& g : groups)
    folded.push_back(fmt::format("{} {} {} {} ({})", g.n, StateName(g.state), ProtoName(g.proto),
                                 g.n == 1 ? "port" : "ports", ReasonName(g.reason)));
  if (!h.ports.empty() && shown.empty())
    text += fmt::format("All {} scanned ports on {} are in ignored states.\n", h.ports.size(), name);
  if (!folded.empty()) text += fmt::format("Not shown: {}\n", fmt::join(folded, ", "));
  if (!shown.empty()) text += Table(shown);
  // nmap names the vendor from its OUI list; tojimari has none, and says so as nmap does.
  if (!h.mac.is_zero()) text += fmt::format("MAC Address: {} (Unknown)\n", UpperMac(h.mac));
  text += "\n";
  return Print(text);
}

// -sV's SERVICE cell: "ssl/http"; a "?" when only the port number suggests it.
std::string ServiceCell(const ServiceInfo& s) {
  std::string name = s.name.empty() ? "unknown" : s.name;
  if (!s.tunnel.empty()) name = s.tunnel + "/" + name;
  if (s.method == "table" && s.name != "tcpwrapped") name += "?";
  return name;
}

// -sV's VERSION cell: "OpenSSH 9.2p1 (Debian 2+deb12u3; protocol 2.0)".
std::string VersionCell(const ServiceInfo& s) {
  std::string v = s.product;
  if (!s.version.empty()) v += (v.empty() ? "" : " ") + s.version;
  if (!s.extrainfo.empty()) v += (v.empty() ? "(" : " (") + s.extrainfo + ")";
  if (!s.hostname.empty()) v += (v.empty() ? "Host: " : "; Host: ") + s.hostname;
  return v;
}

std::string NormalWriter::Table(const std::vector<const PortResult*>& rows) const {
  std::vector<std::array<std::string, 5>> cells;
  cells.push_back({"PORT", "STATE", "SERVICE", "REASON", "VERSION"});
  bool versions = false;  // -sV ran: a VERSION column, as nmap shows
  for (const PortResult* p : rows) {
    std::string svc(services_.Name(p->proto, p->port));
    if (!p->service->method.empty()) {
      versions = true;
      svc = LineSafe(ServiceCell(*p->service));  // from a banner: the server's to choose
    }
    std::string reason(ReasonName(p->reason));
    if (p->reason_ttl) reason += fmt::format(" ttl {}", p->reason_ttl);
    cells.push_back({fmt::format("{}/{}", p->port, ProtoName(p->proto)), std::string(StateName(p->state)),
                     svc.empty() ? "unknown" : svc, reason, LineSafe(VersionCell(*p->service))});
  }
  std::vector<size_t> cols = {0, 1, 2};
  // An unverified or undecided port's reason is part of its state.
  bool special = std::any_of(rows.begin(), rows.end(),
                             [](const PortResult* p) { return Undecided(p->reason) || Unverified(p->reason); });
  if (info_.show_reason || special) cols.push_back(3);
  if (versions) cols.push_back(4);
  const size_t ncols = cols.size();
  std::array<size_t, 5> width{};
  for (const auto& row : cells)
    for (size_t c = 0; c < ncols; ++c) width[c] = std::max(width[c], row[cols[c]].size());
  std::string out;
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (size_t c = 0; c < ncols; ++c) {
      const std::string& cell = cells[r][cols[c]];
      bool last = c + 1 == ncols;
      std::string pad = last ? "" : std::string(width[c] - cell.size() + 1, ' ');
      if (c == 1 && r > 0 && info_.color)
        line += fmt::format("{}{}\033[0m{}", Colour(rows[r - 1]->state), cell, pad);
      else
        line += cell + pad;
    }
    out += line + "\n";
    // The certificate -sV found, as nmap's ssl-cert script shows it.
    if (r > 0 && rows[r - 1]->service->has_cert) {
      std::vector<std::string> lines = CertLines(rows[r - 1]->service->cert);
      for (size_t i = 0; i < lines.size(); ++i)
        out += fmt::format("{}{}{}\n", i + 1 == lines.size() ? "|_" : "| ", i == 0 ? "ssl-cert: " : "",
                           lines[i]);
    }
  }
  return out;
}

Status NormalWriter::End(const RunSummary& s) {
  std::string text;
  if (s.skipped_reserved)
    text += fmt::format("Note: {} skipped inside ranges (name one on its own to scan it).\n",
                        Plural(s.skipped_reserved, "multicast, broadcast or unspecified address",
                               "multicast, broadcast or unspecified addresses"));
  if (s.hosts_total > 0 && s.hosts_up == 0)
    text += "Note: Host seems down. If it is really up, but blocking our ping probes, try -Pn\n";
  if (s.interrupted) text += "Scan interrupted: the results above are partial.\n";
  text += fmt::format("tojimari done: {} ({}) scanned in {:.2f} seconds\n",
                      Plural(s.hosts_total, "IP address", "IP addresses"),
                      Plural(s.hosts_up, "host up", "hosts up"), s.elapsed_seconds);
  Status st = Print(text);
  Status committed = out_.Commit();
  return st.ok() ? committed : st;
}

}  // namespace

std::unique_ptr<Writer> MakeNormalWriter(FilePtr out, const ServiceTable& services) {
  return std::make_unique<NormalWriter>(std::move(out), services);
}

}  // namespace tj
