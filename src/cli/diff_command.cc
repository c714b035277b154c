// `tojimari diff A [B]`: what changed between two scans, each from the
// history (an id, latest, latest~N, a date) or a report file (tojimari's
// JSON or XML, nmap's XML). One argument: that scan against the one stored
// before it. Exit 0: no change; 1: changes; 2: could not compare.
#include <nlohmann/json.hpp>

#include "cli/command_table.h"
#include "cli/errors.h"
#include "core/params.h"
#include "history/diff.h"
#include "history/diff_report.h"
#include "history/scan_source.h"
#include "report/writer.h"

namespace tj {
namespace {

struct DiffOptions {
  std::vector<std::string> sides;
  std::string db;        // --db: empty means DefaultDbUrl()
  bool json = false;     // --json: JSON on stdout instead of text
  std::string json_out;  // -oJ FILE: JSON to a file as well
  bool help = false;
};

using P = Param<DiffOptions>;
using SV = std::string_view;

constexpr P kDiffTable[] = {
    {"--db", ArgKind::kValue, "URL", "Diff", "the history: a SQLite file, sqlite:PATH or postgresql://...",
     [](DiffOptions& o, SV v) { o.db = v; return Status::Ok(); }},
    {"--json", ArgKind::kFlag, "", "Diff", "write the differences as JSON (docs/DIFF-JSON.md) instead of text",
     [](DiffOptions& o, SV) { o.json = true; return Status::Ok(); }},
    {"-oJ", ArgKind::kValue, "FILE", "Diff", "also write the JSON to FILE (- for stdout)",
     [](DiffOptions& o, SV v) { o.json_out = v; return Status::Ok(); }},
    {"-h", ArgKind::kFlag, "", "Diff", "this help",
     [](DiffOptions& o, SV) { o.help = true; return Status::Ok(); }},
    {"--help", ArgKind::kFlag, "", "Diff", "",
     [](DiffOptions& o, SV) { o.help = true; return Status::Ok(); }},
};

Status WriteJsonFile(const std::string& path, const std::string& text) {
  auto out = OpenOutput(path);
  if (!out) return out.error();
  if (Status s = WriteText(out->get(), text, "JSON"); !s.ok()) return s;
  return out->Commit();
}

}  // namespace

std::vector<ParamDoc> DiffParamDocs() { return ParamDocs(std::span<const P>(kDiffTable)); }

int RunDiff(const std::vector<std::string>& args, const CommandContext&) {
  DiffOptions o;
  if (Status s = ParseParams(std::span<const P>(kDiffTable), args, &o, &o.sides); !s.ok()) return Fail("diff", s.message());
  if (o.help) return fmt::print("{}", HelpOf("diff")), 0;
  if (o.sides.empty() || o.sides.size() > 2) return Fail("diff", "give one or two scans (see tojimari help diff)");
  if (o.json && o.json_out == "-") return Fail("diff", "--json and -oJ - both write JSON to stdout: give one");
  ScanSource source(o.db.empty() ? DefaultDbUrl() : o.db);
  Result<LoadedScan> before = MakeError(""), after = MakeError("");
  if (o.sides.size() == 2) {
    before = source.Load(o.sides[0]);
    if (!before) return Fail("diff", before.error().message);
    after = source.Load(o.sides[1]);
  } else {
    if (!ScanSource::IsRef(o.sides[0]))
      return Fail("diff", fmt::format("\"{}\" is a file: give the scan to compare it with", o.sides[0]));
    after = source.Load(o.sides[0]);
    if (!after) return Fail("diff", after.error().message);
    before = source.Previous(*after);
  }
  if (!before) return Fail("diff", before.error().message);
  if (!after) return Fail("diff", after.error().message);
  before->side.scan = &before->scan;
  after->side.scan = &after->scan;

  ScanDiff d = DiffScans(before->scan, after->scan);
  std::string json;
  if (o.json || !o.json_out.empty())
    json = DiffJson(d, before->side, after->side).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (!o.json_out.empty())
    if (Status s = WriteJsonFile(o.json_out, json); !s.ok()) return Fail("diff", s.message());
  if (o.json_out != "-") {
    std::string text = o.json ? json : DiffText(d, before->side, after->side);
    if (Status s = WriteText(stdout, text, o.json ? "JSON" : "diff"); !s.ok()) return Fail("diff", s.message());
  }
  return d.empty() ? 0 : 1;
}

}  // namespace tj
