// `tojimari history`: the stored scans and audits, newest first, as a table
// or as JSON for scripts.
#include <charconv>
#include <ctime>

#include <fmt/chrono.h>
#include <nlohmann/json.hpp>

#include "cli/command_table.h"
#include "cli/errors.h"
#include "core/params.h"
#include "history/store.h"
#include "report/report_text.h"

namespace tj {
namespace {

struct HistoryOptions {
  std::string db;   // --db: empty means DefaultDbUrl()
  size_t limit = 20;
  std::string kind;
  bool json = false;
  bool help = false;
  std::vector<std::string> extra;  // positional words: none allowed
};

using P = Param<HistoryOptions>;
using SV = std::string_view;

constexpr P kHistoryTable[] = {
    {"--db", ArgKind::kValue, "URL", "History", "the history: a SQLite file, sqlite:PATH or postgresql://...",
     [](HistoryOptions& o, SV v) { o.db = v; return Status::Ok(); }},
    {"--limit", ArgKind::kValue, "N", "History", "the newest N scans (default 20; 0: all)",
     [](HistoryOptions& o, SV v) { return SetNumber<size_t>(&o.limit, v, 0, SIZE_MAX); }},
    {"--kind", ArgKind::kValue, "KIND", "History", "only scans or only audits (scan, audit)",
     [](HistoryOptions& o, SV v) {
       if (v != "scan" && v != "audit") return Status(MakeError(fmt::format("\"{}\": use scan or audit", v)));
       o.kind = v;
       return Status::Ok();
     }},
    {"--json", ArgKind::kFlag, "", "History", "one JSON document instead of the table",
     [](HistoryOptions& o, SV) { o.json = true; return Status::Ok(); }},
    {"-h", ArgKind::kFlag, "", "History", "this help",
     [](HistoryOptions& o, SV) { o.help = true; return Status::Ok(); }},
    {"--help", ArgKind::kFlag, "", "History", "",
     [](HistoryOptions& o, SV) { o.help = true; return Status::Ok(); }},
};

std::string LocalTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::localtime(tt));
}

std::string Table(const std::vector<ScanSummary>& scans) {
  std::string out = fmt::format("{:>6}  {:<19}  {:<5}  {:>9}  {:>5}  {}\n", "ID", "STARTED", "KIND", "HOSTS UP",
                                "OPEN", "COMMAND");
  for (const ScanSummary& s : scans) {
    std::string up = fmt::format("{}/{}", s.hosts_up, s.hosts_total);
    out += fmt::format("{:>6}  {:<19}  {:<5}  {:>9}  {:>5}  {}{}\n", s.id, LocalTime(s.started), s.kind, up,
                       s.open_ports, LineSafe(s.args), s.interrupted ? "  (interrupted)" : "");
  }
  return out;
}

nlohmann::json Json(const std::vector<ScanSummary>& scans) {
  nlohmann::json list = nlohmann::json::array();
  for (const ScanSummary& s : scans) {
    std::time_t tt = std::chrono::system_clock::to_time_t(s.started);
    list.push_back({{"id", s.id},
                    {"started", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(tt))},
                    {"kind", s.kind},
                    {"scanner", s.scanner},
                    {"args", s.args},
                    {"hosts_up", s.hosts_up},
                    {"hosts_total", s.hosts_total},
                    {"open_ports", s.open_ports},
                    {"elapsed", s.elapsed_seconds},
                    {"interrupted", s.interrupted}});
  }
  return {{"scans", std::move(list)}};
}

}  // namespace

std::vector<ParamDoc> HistoryParamDocs() { return ParamDocs(std::span<const P>(kHistoryTable)); }

int RunHistory(const std::vector<std::string>& args, const CommandContext&) {
  HistoryOptions o;
  if (Status s = ParseParams(std::span<const P>(kHistoryTable), args, &o, &o.extra); !s.ok()) {
    Fail("history", s.message());
    return 2;
  }
  if (o.help) return fmt::print("{}", HelpOf("history")), 0;
  if (!o.extra.empty()) {
    Fail("history", fmt::format("unexpected \"{}\" (see tojimari help history)", o.extra[0]));
    return 2;
  }
  auto store = Store::Open(o.db.empty() ? DefaultDbUrl() : o.db, OpenOptions{.create = false});
  if (!store) return Fail("history", store.error().message);
  auto scans = (*store)->ListScans(ListFilter{.limit = o.limit, .kind = o.kind});
  if (!scans) return Fail("history", scans.error().message);
  if (o.json) fmt::print("{}\n", Json(*scans).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  else if (scans->empty()) fmt::print("No scans stored yet in {}.\n", (*store)->name());
  else fmt::print("{}", Table(*scans));
  return 0;
}

}  // namespace tj
