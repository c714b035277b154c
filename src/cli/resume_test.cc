#include "cli/resume.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace tj {

TEST(Resume, RoundTrip) {
  ResumeState s;
  s.args = {"-sS", "-p-", "198.18.0.0/24"};
  s.start_index = 17;
  HostResult h;
  h.addr = *Address::Parse("2001:2::2");
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
  std::string path = ::testing::TempDir() + "/tj.resume";
  auto out = OutputFile::Open(path, OutputMode::kReplaceWhenDone);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(WriteResumeFile(*out, s).ok());
  auto r = ReadResumeFile(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->args, s.args);
  EXPECT_EQ(r->start_index, 17u);
  ASSERT_EQ(r->hosts.size(), 1u);
  EXPECT_EQ(r->hosts[0].addr, h.addr);
  EXPECT_EQ(r->hosts[0].name, "target");
  ASSERT_EQ(r->hosts[0].ports.size(), 1u);
  const PortResult& q = r->hosts[0].ports[0];
  EXPECT_EQ(q.port, 22);
  EXPECT_EQ(q.state, PortState::kOpen);
  EXPECT_EQ(q.reason_ttl, 64);
  EXPECT_EQ(q.tries, 2);
  EXPECT_EQ(q.addr, h.addr);
  std::remove(path.c_str());
}

TEST(Resume, BrokenFilesAreOneLineErrors) {
  std::string path = ::testing::TempDir() + "/tj-bad.resume";
  for (const char* text : {"", "{", "[]", "{\"tojimari_resume\": 2}", "{\"tojimari_resume\": 1, \"args\": 5}",
                           "{\"tojimari_resume\":1,\"args\":[],\"start_index\":0,\"hosts\":[{\"ip\":\"x\",\"ports\":[]}]}",
                           "{\"tojimari_resume\":1,\"args\":[],\"start_index\":0,\"hosts\":[{\"ip\":\"::1\",\"ports\":[[1]]}]}"}) {
    std::ofstream(path) << text;
    auto r = ReadResumeFile(path);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find("resume file"), std::string::npos);
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  }
  EXPECT_FALSE(ReadResumeFile("/nonexistent/x.resume").ok());
  std::remove(path.c_str());
}

}  // namespace tj
