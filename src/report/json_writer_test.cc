#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "report/writer.h"
#include "support/writer_testing.h"

namespace tj {
namespace {

using namespace tj::report_testing;
using nlohmann::json;

std::string SchemaPath() {
  std::string here = __FILE__;  // src/report/json_writer_test.cc, absolute under CMake
  return here.substr(0, here.rfind("/src/report/")) + "/docs/tojimari-scan.schema.json";
}

// Validates a file against docs/tojimari-scan.schema.json with Debian's
// python3-jsonschema: mode "doc" for an -oJ document, "ndjson" for lines.
// Returns -1 when the validator is not installed.
int ValidateWithSchema(const std::string& path, const std::string& mode) {
  if (Shell("python3 -c 'import jsonschema' 2>/dev/null") != 0) return -1;
  const char* script = R"PY(
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
if sys.argv[2] == "doc":
    Draft202012Validator(schema).validate(json.load(open(sys.argv[3])))
else:
    line_schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/ndjson_line"}
    for line in open(sys.argv[3]):
        Draft202012Validator(line_schema).validate(json.loads(line))
)PY";
  return Shell("python3 -c '" + std::string(script) + "' " + SchemaPath() + " " + mode + " " + path);
}

json RenderJson(const std::vector<HostResult>& hosts, RunSummary sum = SampleSummary(), std::string* text = nullptr) {
  std::string out = Render(MakeJsonWriter, SampleInfo(), hosts, sum);
  if (text) *text = out;
  return json::parse(out);  // throws, failing the test, on anything but one whole document
}

TEST(JsonWriter, HeaderAndScanInfo) {
  json j = RenderJson({SampleHost()});
  EXPECT_EQ(j["format"], "tojimari-scan");
  EXPECT_EQ(j["schema_version"], kJsonSchemaVersion);
  EXPECT_EQ(j["scanner"], "tojimari");
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["start"], 1700000000);
  EXPECT_EQ(j["start_time"], "2023-11-14T22:13:20Z");
  ASSERT_EQ(j["scan_info"].size(), 1u);
  EXPECT_EQ(j["scan_info"][0]["type"], "connect");
  EXPECT_EQ(j["scan_info"][0]["num_services"], 1001);
  EXPECT_EQ(j["scan_info"][0]["services"], "1-1000,33080");
}

TEST(JsonWriter, HostCarriesWhatTheXmlDoes) {
  json h = RenderJson({SampleHost()})["hosts"][0];
  EXPECT_EQ(h["address"], "198.18.0.2");
  EXPECT_EQ(h["address_type"], "ipv4");
  EXPECT_EQ(h["status"]["state"], "up");
  EXPECT_EQ(h["status"]["reason"], "user-set");
  EXPECT_EQ(h["latency_us"], 120);
  ASSERT_EQ(h["extra_ports"].size(), 2u);
  EXPECT_EQ(h["extra_ports"][0]["state"], "closed");
  EXPECT_EQ(h["extra_ports"][0]["count"], 967);
  EXPECT_EQ(h["extra_ports"][1]["reasons"][1]["reason"], "admin-prohibited");
  EXPECT_EQ(h["extra_ports"][1]["reasons"][1]["ports"], "950");
  ASSERT_EQ(h["ports"].size(), 3u);
  EXPECT_EQ(h["ports"][0]["port"], 22);
  EXPECT_EQ(h["ports"][0]["service"]["name"], "ssh");
  EXPECT_EQ(h["ports"][0]["service"]["method"], "table");
  EXPECT_FALSE(h["ports"][2].contains("service")) << "33080 has no name in the table";
}

TEST(JsonWriter, ServiceDetectionResults) {
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  h.ports = {ProbedPort()};
  json s = RenderJson({h})["hosts"][0]["ports"][0]["service"];
  EXPECT_EQ(s["name"], "http");
  EXPECT_EQ(s["method"], "probed");
  EXPECT_EQ(s["conf"], 10);
  EXPECT_EQ(s["product"], "nginx");
  EXPECT_EQ(s["tunnel"], "ssl");
  EXPECT_FALSE(s.contains("ostype"));
  EXPECT_EQ(s["cert"]["subject"], "CN=lab.example");
  EXPECT_EQ(s["cert"]["self_signed"], true);
}

TEST(JsonWriter, EmptyAndInterruptedScanIsStillOneDocument) {
  json j = RenderJson({}, SampleSummary(1, 0, true));
  EXPECT_TRUE(j["hosts"].empty());
  EXPECT_EQ(j["run_stats"]["exit"], "interrupted");
  EXPECT_EQ(j["run_stats"]["hosts"]["down"], 1);
}

TEST(JsonWriter, BadUtf8FromOutsideDoesNotBreakTheDocument) {
  HostResult h = SampleHost();
  h.name = "bad\xff\xfename";
  h.name_from_ptr = true;
  json j = RenderJson({h});
  EXPECT_EQ(j["hosts"][0]["hostnames"][0]["type"], "PTR");
  EXPECT_EQ(j["hosts"][0]["hostnames"][0]["name"], "bad\xef\xbf\xbd\xef\xbf\xbdname");  // U+FFFD twice
}

TEST(JsonWriter, MatchesTheDocumentedSchema) {
  HostResult v6;
  v6.addr = *Address::Parse("2001:2::2");
  v6.name = "v6.example";
  PortResult p = MakePort("2001:2::2", 443, PortState::kFiltered, Reason::kAdminProhibited);
  p.reason_ip = *Address::Parse("2001:2::1");
  p.reason_ip_set = true;
  p.rtt = std::chrono::microseconds(812);
  v6.ports = {p, ProbedPort()};
  HostResult late = SampleHost();
  late.status = HostStatus::kTimedOut;
  std::string text;
  RenderJson({SampleHost(), v6, late}, SampleSummary(3, 3), &text);
  const std::string path = "/tmp/tojimari-jsontest-" + std::to_string(getpid()) + ".json";
  std::ofstream(path) << text;
  int rc = ValidateWithSchema(path, "doc");
  std::remove(path.c_str());
  if (rc == -1) GTEST_SKIP() << "python3-jsonschema is not installed (scripts/deps.sh installs it)";
  EXPECT_EQ(rc, 0) << text;
}

TEST(NdjsonWriter, LinesCarryTheSchemaVersionAndMatchTheSchema) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  {
    auto w = MakeNdjsonWriter(FilePtr(mem), ServiceTable::Builtin());
    ASSERT_TRUE(w->Begin(SampleInfo()).ok());
    for (const PortResult& p : SampleHost().ports) ASSERT_TRUE(w->Port(p).ok());
    ASSERT_TRUE(w->End(SampleSummary()).ok());
  }
  std::string text(buf, len);
  free(buf);
  json first = json::parse(text.substr(0, text.find('\n')));
  EXPECT_EQ(first["schema_version"], kJsonSchemaVersion);
  EXPECT_EQ(first["ip"], "198.18.0.2");  // the fields it always had are still there
  EXPECT_EQ(first["port"], 1);
  const std::string path = "/tmp/tojimari-ndjsontest-" + std::to_string(getpid()) + ".ndjson";
  std::ofstream(path) << text;
  int rc = ValidateWithSchema(path, "ndjson");
  std::remove(path.c_str());
  if (rc == -1) GTEST_SKIP() << "python3-jsonschema is not installed";
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace tj
