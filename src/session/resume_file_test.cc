#include "session/resume_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tj {
namespace {

const std::string kKey(64, 'a');

ResumeState Sample() {
  ResumeState s;
  s.request.technique = Technique::kSyn;
  s.request.ports_text = "-";
  s.request.ports = PortSpec{};
  s.request.ports->tcp.AddRange(1, 65535);
  s.request.targets = {"198.18.0.0/24"};
  s.request.xml_out = "scan.xml";
  s.start_index = 17;
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  h.name = "target";
  h.reason = Reason::kSynAck;
  h.latency = std::chrono::microseconds(120);
  PortResult p;
  p.addr = h.addr;
  p.port = 22;
  p.state = PortState::kOpen;
  p.reason = Reason::kSynAck;
  p.reason_ttl = 64;
  p.rtt = std::chrono::microseconds(80);
  p.tries = 2;
  h.ports.push_back(p);
  s.hosts.push_back(h);
  return s;
}

std::string Written(const ResumeState& s, const std::string& key = kKey) {
  std::string path = ::testing::TempDir() + "/tj.resume";
  auto out = OutputFile::Open(path, OutputMode::kReplaceWhenDone);
  EXPECT_TRUE(out.ok());
  auto spool = ResumeSpool::Open();
  EXPECT_TRUE(spool.ok());
  for (const HostResult& h : s.hosts) spool->Add(h);
  EXPECT_TRUE(WriteResumeFile(*out, s.request, s.start_index, *spool, key).ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path.c_str());
  return text.str();
}

// A format 4 file by hand: the header, host lines, and a signature line
// that only a check with an empty key accepts.
std::string Unsigned(const std::string& head, const std::vector<std::string>& hosts) {
  std::string t = head + "\n";
  for (const auto& h : hosts) t += h + "\n";
  return t + R"({"mac":"00"})" + "\n";
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(Resume, RoundTrip) {
  ResumeState s = Sample();
  auto r = ParseResume(Written(s), "t.resume", kKey);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->request.targets, s.request.targets);
  EXPECT_EQ(r->request.technique, Technique::kSyn);
  EXPECT_EQ(r->request.xml_out, "scan.xml");
  ASSERT_TRUE(r->request.ports);
  EXPECT_EQ(r->request.ports->tcp.size(), 65535u);
  EXPECT_EQ(r->start_index, 17u);
  ASSERT_EQ(r->hosts.size(), 1u);
  EXPECT_EQ(r->hosts[0].addr, s.hosts[0].addr);
  EXPECT_EQ(r->hosts[0].name, "target");
  ASSERT_EQ(r->hosts[0].ports.size(), 1u);
  const PortResult& q = r->hosts[0].ports[0];
  EXPECT_EQ(q.port, 22);
  EXPECT_EQ(q.state, PortState::kOpen);
  EXPECT_EQ(q.reason_ttl, 64);
  EXPECT_EQ(q.tries, 2);
  EXPECT_EQ(q.addr, s.hosts[0].addr);
}

// Any edit, and any other key, is refused: the saved request cannot be
// turned into reading /etc/shadow or writing somewhere else.
TEST(Resume, ChangedOrForeignFilesAreRefused) {
  const std::string text = Written(Sample());
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"target_files\":[]", "\"target_files\":[\"/etc/shadow\"]"}, {"\"scan.xml\"", "\"/etc/x\""},
           {"\"start_index\":17", "\"start_index\":18"}, {"\"target\"", "\"other\""}, {"[22,", "[23,"}}) {
    auto r = ParseResume(Replace(text, from, to), "t.resume", kKey);
    ASSERT_FALSE(r.ok()) << to;
    EXPECT_NE(r.error().message.find("was changed"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(ParseResume(text, "t.resume", std::string(64, 'b')).ok());
  // Without its signature, or unsigned (format 1).
  auto nomac = Replace(text, "\"mac\"", "\"xmac\"");
  EXPECT_FALSE(ParseResume(nomac, "t.resume", kKey).ok());
  EXPECT_FALSE(ParseResume(R"({"tojimari_resume":1,"args":[],"start_index":0,"hosts":[]})", "t", kKey).ok());
  // A host line taken out or added.
  const size_t second = text.find('\n') + 1;
  std::string dropped = text;
  dropped.erase(second, text.find('\n', second) + 1 - second);
  EXPECT_FALSE(ParseResume(dropped, "t.resume", kKey).ok());
}

// Field checks, reached without the signature (as the fuzzer does): each
// bad value is its own one-line error, never a wrapped number.
TEST(Resume, FieldsAreChecked) {
  const std::string head = R"({"tojimari_resume":4,"request":{"targets":["198.18.0.2"]},"start_index":0})";
  auto with = [&](const std::string& port) {
    return Unsigned(head, {R"({"host":{"ip":"198.18.0.2","ports":[)" + port + "]}}"});
  };
  const std::string good = R"([22,"tcp","open","syn-ack",64,80,1,null,null])";
  EXPECT_TRUE(ParseResume(with(good), "t", "").ok());
  for (const std::string& bad :
       {Replace(good, "22", "70000"), Replace(good, "22", "0"), Replace(good, "22", "-1"), Replace(good, "22", "22.5"),
        Replace(good, "22", "\"22\""), Replace(good, "\"tcp\"", "\"sctp\""), Replace(good, "\"open\"", "\"opened\""),
        Replace(good, "64", "300"), Replace(good, "80", "-5"), Replace(good, ",1,null", ",256,null"),
        good + "," + Replace(good, "open", "closed"), Replace(good, ",null,null", ",null"),
        Replace(good, ",null,null", ",\"x\",null"), Replace(good, ",null,null", R"(,null,{"conf":11})"),
        Replace(good, ",null,null", R"(,null,{"conf":10,"cert":{"subject":5}})")}) {
    auto r = ParseResume(with(bad), "t", "");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    EXPECT_NE(r.error().message.find("resume file"), std::string::npos);
  }
  for (const std::string& text :
       {std::string(""), std::string("{"), std::string("[]"), std::string(R"({"tojimari_resume": 4})"),
        std::string(R"({"tojimari_resume":2,"args":[],"start_index":0,"hosts":[],"mac":"00"})"),
        // Format 3 held a command line: refused.
        Unsigned(R"({"tojimari_resume":3,"args":["-p","22"],"start_index":0})", {}),
        Unsigned(R"({"tojimari_resume":4,"request":5,"start_index":0})", {}),
        Unsigned(R"({"tojimari_resume":4,"request":{"targets":"x"},"start_index":0})", {}),
        Unsigned(R"({"tojimari_resume":4,"request":{"timing_level":9},"start_index":0})", {}),
        Unsigned(R"({"tojimari_resume":4,"request":{"ports":{"tcp":[[0,5]]}},"start_index":0})", {}),
        Unsigned(R"({"tojimari_resume":4,"request":{"ports":{"tcp":[[9,5]]}},"start_index":0})", {}),
        Unsigned(R"({"tojimari_resume":4,"request":{"shell":"rm -rf /"},"start_index":0})", {}),
        Unsigned(R"({"tojimari_resume":4,"request":{},"start_index":-1})", {}),
        Unsigned(R"({"tojimari_resume":4,"request":{},"start_index":0})", {R"({"host":{"ip":"x","ports":[]}})"}),
        Unsigned(R"({"tojimari_resume":4,"request":{},"start_index":0})", {"not json"}),
        Unsigned(R"({"tojimari_resume":4,"request":{},"start_index":0,"extra":1})", {}),
        std::string(R"({"tojimari_resume":4,"request":{},"start_index":0})") + "\n"})
    EXPECT_FALSE(ParseResume(text, "t", "").ok()) << text;
}

TEST(Resume, MustFitTheScan) {
  TargetList targets;
  Resolver none = [](std::string_view, FamilyChoice) -> Result<std::vector<Address>> { return MakeError("no"); };
  ASSERT_TRUE(targets.Add("198.18.0.0/30", FamilyChoice::kV4, none).ok());
  ResumeState s = Sample();  // 198.18.0.2, 22/tcp, start_index 17
  EXPECT_FALSE(CheckResumeFits(s, targets, {22}, {}).ok());  // past the 4 targets
  s.start_index = 4;
  EXPECT_TRUE(CheckResumeFits(s, targets, {22}, {}).ok());
  EXPECT_FALSE(CheckResumeFits(s, targets, {80}, {}).ok());  // not a port of the scan
  EXPECT_FALSE(CheckResumeFits(s, targets, {}, {22}).ok());  // 22/udp is not 22/tcp
  s.hosts[0].addr = *Address::Parse("198.18.0.9");
  EXPECT_FALSE(CheckResumeFits(s, targets, {22}, {}).ok());  // not a target
}

// The key: made once, 0600, reused; a link or a key others can read is refused.
TEST(Resume, KeyIsTheUsersOwn) {
  const std::string dir = ::testing::TempDir() + "/tj-resume-key";
  std::filesystem::remove_all(dir);
  const char* old = getenv("XDG_DATA_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_DATA_HOME", dir.c_str(), 1);
  EXPECT_FALSE(LoadResumeKey(false).ok());
  auto k1 = LoadResumeKey(true);
  ASSERT_TRUE(k1.ok()) << k1.error().message;
  EXPECT_EQ(k1->size(), 64u);
  auto k2 = LoadResumeKey(false);
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(*k1, *k2);
  const std::string path = dir + "/tojimari/resume.key";
  struct stat st{};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  chmod(path.c_str(), 0644);
  EXPECT_FALSE(LoadResumeKey(false).ok());
  std::filesystem::remove(path);
  std::filesystem::create_symlink("/etc/hostname", path);
  EXPECT_FALSE(LoadResumeKey(true).ok());
  std::filesystem::remove_all(dir);
  if (old) setenv("XDG_DATA_HOME", saved.c_str(), 1);
  else unsetenv("XDG_DATA_HOME");
}

}  // namespace
}  // namespace tj
