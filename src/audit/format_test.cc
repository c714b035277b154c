// Each audit output format from one report holding every kind of finding:
// text for people, JSON against docs/tojimari-audit.schema.json, SARIF's
// structure as GitHub code scanning reads it, JUnit well-formed (xmllint).
#include "audit/format.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "policy/policy_file.h"
#include "support/writer_testing.h"

namespace tj {
namespace {

using namespace std::chrono_literals;
using report_testing::HaveCommand;
using report_testing::Shell;
using Json = nlohmann::json;

constexpr const char* kPolicy = R"(name = "lab"
scope = ["198.18.0.0/15"]

[groups.web]
hosts = ["198.18.0.2"]
expected = { "22/tcp" = "ssh", "443/tcp" = "" }
forbidden = ["3306/tcp"]

[[exceptions]]
host = "198.18.0.2"
port = "8080/tcp"
owner = "web-team <web@example.org>"
reason = "staging & \"migration\""
expires = 2026-06-30

[[exceptions]]
host = "198.18.0.2"
port = "9999/tcp"
owner = "nobody"
reason = "old"
expires = 2026-01-01
)";

PortResult Open(uint16_t port, std::string service, std::string method) {
  PortResult p;
  p.addr = *Address::Parse("198.18.0.2");
  p.port = port;
  p.state = PortState::kOpen;
  p.service->name = std::move(service);
  p.service->method = std::move(method);
  return p;
}

AuditReport SampleReport() {
  auto policy = ParsePolicy(kPolicy, "policies/lab policy.toml");
  EXPECT_TRUE(policy) << policy.error().message;
  ScanRecord rec;
  rec.info.tcp_services = "1-65535";
  rec.info.args = "tojimari scan -p- 198.18.0.2";
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  h.name = "web\x1b[31m.lab";  // hostile PTR name: must not reach a terminal raw
  PortResult ssh = Open(22, "http", "probed");
  ssh.service->product = "nginx\x01";
  h.ports = {ssh, Open(3306, "mysql", "probed"), Open(8080, "http-proxy", "table"), Open(33080, "", "table")};
  rec.hosts = {h};
  return Audit(rec, *policy, std::chrono::sys_days{std::chrono::year(2026) / 5 / 1} + 12h);
}

std::string WriteTemp(const std::string& text, const std::string& suffix) {
  char tmpl[] = "/tmp/tojimari-format-test-XXXXXX";
  int fd = mkstemp(tmpl);
  EXPECT_GE(fd, 0);
  close(fd);
  std::string path = std::string(tmpl) + suffix;
  std::rename(tmpl, path.c_str());
  std::ofstream(path) << text;
  return path;
}

TEST(AuditFormat, TableFindsEachFormatAndSuggests) {
  for (const char* name : {"text", "json", "sarif", "junit"}) EXPECT_TRUE(FindAuditFormat(name)) << name;
  auto f = FindAuditFormat("sraif");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message, "unknown format \"sraif\" (did you mean \"sarif\"?)");
}

TEST(AuditFormat, TextGroupsBySeverityWithoutColourUnlessAsked) {
  AuditReport r = SampleReport();
  std::string text = RenderAuditText(r, {});
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "no escape bytes: no colour, hostile names escaped";
  EXPECT_EQ(text.find('\x01'), std::string::npos);
  size_t critical = text.find("\nCRITICAL\n"), medium = text.find("\nMEDIUM\n"), info = text.find("\nINFO\n");
  ASSERT_NE(critical, std::string::npos) << text;
  ASSERT_NE(medium, std::string::npos) << text;
  ASSERT_NE(info, std::string::npos) << text;
  EXPECT_LT(critical, medium);
  EXPECT_LT(medium, info);
  EXPECT_NE(text.find("3306/tcp  open  mysql"), std::string::npos) << text;
  EXPECT_NE(text.find("forbidden-open: MySQL/MariaDB database reachable"), std::string::npos);
  EXPECT_NE(text.find("policy.toml:7)"), std::string::npos) << "points at the rule";
  EXPECT_NE(text.find("Fix: "), std::string::npos);
  EXPECT_NE(text.find("Tolerated until 2026-06-30"), std::string::npos);
  EXPECT_NE(text.find("1 host audited; 5 findings: 1 critical, 3 medium, 1 low (1 tolerated by exceptions)"),
            std::string::npos)
      << text;
  for (size_t pos = 0, end; pos < text.size(); pos = end + 1) {
    end = text.find('\n', pos);
    EXPECT_LE(end - pos, 110u) << "wrapped for a terminal: " << text.substr(pos, end - pos);
  }
  std::string coloured = RenderAuditText(r, {.color = true, .version = ""});
  EXPECT_NE(coloured.find("\x1b[1;31mCRITICAL\x1b[0m"), std::string::npos);
}

TEST(AuditFormat, JsonMatchesItsSchema) {
  AuditReport r = SampleReport();
  std::string text = RenderAuditJson(r, {.version = "0.1.0"});
  Json doc = Json::parse(text);
  EXPECT_EQ(doc["format"], "tojimari-audit");
  EXPECT_EQ(doc["schema_version"], kAuditJsonVersion);
  EXPECT_EQ(doc["summary"]["findings"], 5);
  EXPECT_EQ(doc["summary"]["exit_code"], 1);
  EXPECT_EQ(doc["findings"][0]["kind"], "forbidden-open");
  EXPECT_EQ(doc["findings"][0]["port"], 3306);
  EXPECT_EQ(doc["findings"][0]["rule_line"], 7);
  if (Shell("python3 -c 'import jsonschema' 2>/dev/null") != 0) GTEST_SKIP() << "python3-jsonschema not installed";
  std::string path = WriteTemp(text, ".json");
  std::string schema = std::string(TJ_SOURCE_DIR) + "/docs/tojimari-audit.schema.json";
  EXPECT_EQ(Shell("python3 -c 'import json,sys; from jsonschema import Draft202012Validator as V; "
                  "s=json.load(open(sys.argv[1])); V.check_schema(s); V(s).validate(json.load(open(sys.argv[2])))' " +
                  schema + " " + path),
            0);
  std::remove(path.c_str());
}

TEST(AuditFormat, SarifHasWhatCodeScanningReads) {
  AuditReport r = SampleReport();
  Json doc = Json::parse(RenderAuditSarif(r, {.version = "0.1.0"}));
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_TRUE(doc["$schema"].get<std::string>().ends_with("sarif-2.1.0.json"));
  ASSERT_EQ(doc["runs"].size(), 1u);
  const Json& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "tojimari");
  const Json& rules = run["tool"]["driver"]["rules"];
  const Json& results = run["results"];
  ASSERT_FALSE(results.empty());
  std::set<std::string> ids;
  for (const Json& rule : rules) {
    EXPECT_TRUE(ids.insert(rule["id"].get<std::string>()).second) << "rule ids are unique";
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());
  }
  size_t suppressed = 0;
  for (const Json& res : results) {
    std::string id = res["ruleId"];
    size_t index = res["ruleIndex"];
    ASSERT_LT(index, rules.size());
    EXPECT_EQ(rules[index]["id"], id) << "ruleIndex points at the rule";
    EXPECT_TRUE(std::set<std::string>({"none", "note", "warning", "error"}).count(res["level"]));
    EXPECT_FALSE(res["message"]["text"].get<std::string>().empty());
    const Json& loc = res["locations"][0]["physicalLocation"];
    EXPECT_EQ(loc["artifactLocation"]["uri"], "policies/lab%20policy.toml") << "a URI, spaces encoded";
    EXPECT_GE(loc["region"]["startLine"].get<int>(), 1);
    EXPECT_TRUE(res["partialFingerprints"].is_object());
    if (res.contains("suppressions")) {
      ++suppressed;
      EXPECT_EQ(res["suppressions"][0]["kind"], "external");
      EXPECT_EQ(res["suppressions"][0]["status"], "accepted");
    }
  }
  EXPECT_EQ(suppressed, 1u);
  EXPECT_EQ(results[0]["ruleId"], "forbidden-open/mysql");
  EXPECT_EQ(results[0]["level"], "error");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 7);
  EXPECT_EQ(rules[0]["properties"]["security-severity"], "9.5");
}

TEST(AuditFormat, JunitIsWellFormedWithOneCasePerRule) {
  AuditReport r = SampleReport();
  std::string xml = RenderAuditJunit(r, {});
  // web: 22 (wrong service), 443 (missing) expected, 3306 forbidden, unexpected (33080): all fail;
  // exceptions: 2, one expired.
  EXPECT_NE(xml.find("<testsuites name=\"tojimari audit: lab\" tests=\"6\" failures=\"5\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"group web\" tests=\"4\" failures=\"4\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase name=\"3306/tcp never open\" classname=\"lab.web\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"exceptions\" tests=\"2\" failures=\"1\""), std::string::npos);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  if (!HaveCommand("xmllint")) GTEST_SKIP() << "xmllint (libxml2-utils) not installed";
  std::string path = WriteTemp(xml, ".xml");
  EXPECT_EQ(Shell("xmllint --noout " + path), 0) << xml;
  // Every failure belongs to a test case; counts agree with the elements.
  EXPECT_EQ(Shell("test \"$(xmllint --xpath 'count(//testcase/failure)' " + path + ")\" = 5"), 0);
  EXPECT_EQ(Shell("test \"$(xmllint --xpath 'count(//testcase)' " + path + ")\" = 6"), 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tj
