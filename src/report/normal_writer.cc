// nmap's familiar "normal" output: a header, one block per host with a
// PORT STATE SERVICE table, and a closing summary. States with many ports
// (more than 25, or 25 x (verbosity + 1)) are folded into a "Not shown:" line
// broken down by reason, as nmap does, so a 65,535-port scan stays readable.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

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
  bool Ignored(PortState s, size_t count) const {
    if (s == PortState::kOpen) return false;
    if (info_.open_only && s != PortState::kOpenFiltered && s != PortState::kUnfiltered) return count > 0;
    return count > 25 * static_cast<size_t>(info_.verbose + 1);
  }
  Status Print(const std::string& s) {
    if (fwrite(s.data(), 1, s.size(), out_.get()) != s.size()) return MakeError("writing output failed");
    return Status::Ok();
  }
  std::string Table(const std::vector<const PortResult*>& rows) const;

  FilePtr out_;
  const ServiceTable& services_;
  ScanInfo info_;
};

Status NormalWriter::Host(const HostResult& h) {
  std::string name = h.name.empty() ? h.addr.ToString() : fmt::format("{} ({})", h.name, h.addr.ToString());
  std::string text = fmt::format("tojimari scan report for {}\n", name);
  if (h.status == HostStatus::kTimedOut) {
    text += "Skipping host due to host timeout\n\n";
    return Print(text);
  }
  double lat = std::chrono::duration<double>(h.latency).count();
  std::string received = info_.show_reason ? fmt::format(", received {}", ReasonName(h.reason)) : "";
  text += lat > 0 ? fmt::format("Host is up{} ({:.2g}s latency).\n", received, lat)
                  : fmt::format("Host is up{}.\n", received);

  // Count ports per (proto, state) and per reason to decide what to fold.
  using StateKey = std::pair<Proto, PortState>;
  using ReasonKey = std::tuple<Proto, PortState, Reason>;
  std::map<StateKey, size_t> per_state;
  std::map<ReasonKey, size_t> per_reason;
  for (const PortResult& p : h.ports) {
    ++per_state[{p.proto, p.state}];
    ++per_reason[{p.proto, p.state, p.reason}];
  }
  std::vector<const PortResult*> shown;
  for (const PortResult& p : h.ports)
    if (!Ignored(p.state, per_state[{p.proto, p.state}])) shown.push_back(&p);

  std::vector<std::pair<size_t, ReasonKey>> order;
  for (const auto& [key, n] : per_reason) {
    auto [proto, state, reason] = key;
    if (Ignored(state, per_state[{proto, state}])) order.push_back({n, key});
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> folded;
  for (const auto& [n, key] : order) {
    auto [proto, state, reason] = key;
    folded.push_back(fmt::format("{} {} {} {} ({})", n, StateName(state), ProtoName(proto),
                                 n == 1 ? "port" : "ports", ReasonName(reason)));
  }
  if (!h.ports.empty() && shown.empty())
    text += fmt::format("All {} scanned ports on {} are in ignored states.\n", h.ports.size(), name);
  if (!folded.empty()) text += fmt::format("Not shown: {}\n", fmt::join(folded, ", "));
  if (!shown.empty()) text += Table(shown);
  text += "\n";
  return Print(text);
}

std::string NormalWriter::Table(const std::vector<const PortResult*>& rows) const {
  std::vector<std::array<std::string, 4>> cells;
  cells.push_back({"PORT", "STATE", "SERVICE", "REASON"});
  for (const PortResult* p : rows) {
    std::string_view svc = services_.Name(p->proto, p->port);
    std::string reason(ReasonName(p->reason));
    if (p->reason_ttl) reason += fmt::format(" ttl {}", p->reason_ttl);
    cells.push_back({fmt::format("{}/{}", p->port, ProtoName(p->proto)), std::string(StateName(p->state)),
                     svc.empty() ? "unknown" : std::string(svc), reason});
  }
  const size_t ncols = info_.show_reason ? 4 : 3;
  std::array<size_t, 4> width{};
  for (const auto& row : cells)
    for (size_t c = 0; c < ncols; ++c) width[c] = std::max(width[c], row[c].size());
  std::string out;
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (size_t c = 0; c < ncols; ++c) {
      const std::string& cell = cells[r][c];
      bool last = c + 1 == ncols;
      std::string pad = last ? "" : std::string(width[c] - cell.size() + 1, ' ');
      if (c == 1 && r > 0 && info_.color)
        line += fmt::format("{}{}\033[0m{}", Colour(rows[r - 1]->state), cell, pad);
      else
        line += cell + pad;
    }
    out += line + "\n";
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
  fflush(out_.get());
  return st;
}

}  // namespace

std::unique_ptr<Writer> MakeNormalWriter(FilePtr out, const ServiceTable& services) {
  return std::make_unique<NormalWriter>(std::move(out), services);
}

}  // namespace tj
