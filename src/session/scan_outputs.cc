#include "session/scan_outputs.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "report/record_writer.h"

namespace tj {

void Fanout::OnPort(const PortResult& r) {
  progress.done.fetch_add(1, std::memory_order_relaxed);
  if (r.state == PortState::kOpen) progress.open.fetch_add(1, std::memory_order_relaxed);
  for (auto& w : writers) Note(w->Port(r));
}

void Fanout::Begin(const ScanInfo& info) {
  for (auto& w : writers) {
    ScanInfo i = info;
    i.color = w.get() == interactive && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    Note(w->Begin(i));
  }
}

void Fanout::Host(const HostResult& h) {
  for (auto& w : writers) Note(w->Host(h));
}

void Fanout::End(const RunSummary& s) {
  for (auto& w : writers) Note(w->End(s));
}

Status OpenWriters(const ScanRequest& o, const ServiceTable& services, ScanRecord* record, bool quiet,
                   const MoverSlot* slot, std::vector<RenameHelper::Pair>* renames, Fanout* f) {
  using Factory = std::unique_ptr<Writer> (*)(FilePtr, const ServiceTable&);
  struct Wanted {
    std::string path;
    Factory make;
    OutputMode mode = OutputMode::kReplaceWhenDone;
  };
  std::vector<Wanted> wanted = {
      {o.normal_out, MakeNormalWriter},
      {o.ndjson_out, MakeNdjsonWriter, OutputMode::kStream},
      {o.xml_out, MakeXmlWriter},
      {o.grepable_out, MakeGrepableWriter},
      {o.json_out, MakeJsonWriter},
  };
  if (o.all_out == "-") return MakeError("-oA writes three files: give it a base name, not \"-\"");
  if (!o.all_out.empty()) {
    wanted.push_back({o.all_out + ".nmap", MakeNormalWriter});
    wanted.push_back({o.all_out + ".xml", MakeXmlWriter});
    wanted.push_back({o.all_out + ".gnmap", MakeGrepableWriter});
  }
  // As nmap does: a report sent to stdout ("-") replaces the interactive
  // output there, so `-oX - | xmllint -` or `--ndjson - | jq` get one format.
  int to_stdout = 0;
  for (const auto& w : wanted) to_stdout += w.path == "-";
  if (to_stdout > 1) return MakeError("only one report can go to stdout (\"-\")");
  const bool stdout_taken = to_stdout > 0;
  if (record) f->writers.push_back(MakeRecordWriter(record));
  if (!stdout_taken && !quiet) {
    f->writers.push_back(MakeNormalWriter(FilePtr(stdout), services));
    f->interactive = f->writers.back().get();
  }
  for (auto& w : wanted) {
    if (w.path.empty()) continue;
    auto out = OpenOutput(w.path, w.mode, slot);
    if (!out) return out.error();
    if (!out->temp_path().empty()) renames->push_back({out->temp_path(), out->target_path()});
    f->writers.push_back(w.make(std::move(*out), services));
  }
  return Status::Ok();
}

}  // namespace tj
