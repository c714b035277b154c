// nmap's grepable output (-oG): one line per host and fact, tab-separated
// fields, so `grep open` and `cut`/`awk` scripts written for nmap work:
//
//   Host: 198.18.0.2 (name)<TAB>Status: Up
//   Host: 198.18.0.2 (name)<TAB>Ports: 22/open/tcp//ssh///, 80/open/tcp//http///<TAB>Ignored State: closed (98)
//
// A port is seven '/'-separated fields (port, state, protocol, owner,
// service, RPC info, version) and a closing '/'; tojimari fills all but
// owner and RPC info. Ports folded by the shared rule (port_fold.h) are left out and
// counted under "Ignored State"; where nmap drops that field when two states
// are folded, tojimari lists each: "closed (98), filtered (51)".
#include <fmt/format.h>

#include <algorithm>

#include "report/port_fold.h"
#include "report/report_text.h"
#include "report/writer.h"

namespace tj {
namespace {

// A service name may not carry the field separators of the format.
std::string Field(std::string_view s) {
  std::string out = LineSafe(s);
  std::replace(out.begin(), out.end(), '/', '|');
  std::replace(out.begin(), out.end(), ',', '|');
  return out;
}

class GrepableWriter : public Writer {
 public:
  GrepableWriter(FilePtr out, const ServiceTable& services) : out_(std::move(out)), services_(services) {}

  Status Begin(const ScanInfo& info) override {
    info_ = info;
    return Put(fmt::format("# tojimari {} scan initiated {} as: {}\n", LineSafe(info.version),
                           CTimeString(info.start), LineSafe(info.args)));
  }
  Status Host(const HostResult& h) override;
  Status End(const RunSummary& s) override;

 private:
  Status Put(const std::string& s) { return WriteText(out_.get(), s, "grepable"); }

  FilePtr out_;
  const ServiceTable& services_;
  ScanInfo info_;
};

Status GrepableWriter::Host(const HostResult& h) {
  // Parentheses would end the name early for a script that splits on them.
  std::string name = LineSafe(h.name);
  std::replace(name.begin(), name.end(), '(', '[');
  std::replace(name.begin(), name.end(), ')', ']');
  const std::string prefix = fmt::format("Host: {} ({})\t", h.addr.ToString(), name);
  if (h.status != HostStatus::kUp)
    return Put(prefix + (h.status == HostStatus::kTimedOut ? "Status: Timeout\n" : "Status: Down\n"));
  std::string text = prefix + "Status: Up\n";
  if (!h.ports.empty()) {
    PortFold fold = FoldPorts(h.ports, info_.verbose, info_.open_only);
    std::vector<std::string> ports;
    for (const PortResult* p : fold.shown) {
      ServiceInfo svc = ReportedService(*p, services_);
      // nmap writes a service inside TLS as "ssl|http".
      std::string name = svc.tunnel == "ssl" ? "ssl|" + Field(svc.name) : Field(svc.name);
      ports.push_back(fmt::format("{}/{}/{}//{}//{}/", p->port, StateName(p->state), ProtoName(p->proto), name,
                                  Field(VersionText(svc))));
    }
    text += prefix + fmt::format("Ports: {}", fmt::join(ports, ", "));
    std::vector<std::string> ignored;
    for (const FoldedState& f : fold.folded) ignored.push_back(fmt::format("{} ({})", StateName(f.state), f.count));
    if (!ignored.empty()) text += fmt::format("\tIgnored State: {}", fmt::join(ignored, ", "));
    text += "\n";
  }
  return Put(text);
}

Status GrepableWriter::End(const RunSummary& s) {
  std::string text;
  if (s.interrupted) text += "# Scan interrupted: the results above are partial\n";
  text += fmt::format("# tojimari done at {} -- {}\n", CTimeString(std::chrono::system_clock::now()),
                      DoneSummary(s));
  Status st = Put(text);
  Status committed = out_.Commit();
  return st.ok() ? committed : st;
}

}  // namespace

std::unique_ptr<Writer> MakeGrepableWriter(FilePtr out, const ServiceTable& services) {
  return std::make_unique<GrepableWriter>(std::move(out), services);
}

}  // namespace tj
