#include "engine/plausible.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

HostOutcome Host(uint16_t first, uint16_t last, std::vector<uint16_t> more = {}) {
  HostOutcome o;
  auto add = [&](uint16_t p) {
    PortResult r;
    r.port = p;
    r.state = PortState::kOpen;
    r.reason = Reason::kSynAck;
    o.ports.push_back(r);
  };
  for (uint16_t p : more)
    if (p < first) add(p);
  for (uint32_t p = first; p <= last; ++p) add(static_cast<uint16_t>(p));
  for (uint16_t p : more)
    if (p > last) add(p);
  return o;
}

}  // namespace

TEST(Plausible, ARunOfOpenNeighboursIsASynProxy) {
  HostOutcome o = Host(1000, 3000, {22, 80, 443});
  auto note = MarkImplausibleOpens(&o, 65535);
  ASSERT_TRUE(note);
  EXPECT_EQ(note->id, "syn-proxy");
  EXPECT_NE(note->text.find("2004 ports, 2001 of them in a row (1000-3000)"), std::string::npos) << note->text;
  for (const PortResult& r : o.ports) EXPECT_EQ(r.reason, Reason::kSynAckUnverified) << r.port;
}

TEST(Plausible, EveryPortOpenIsImplausible) {
  HostOutcome o;
  for (uint16_t p : {1, 3, 5, 7})  // scattered, but most of what was scanned
    for (int k = 0; k < 40; ++k) {
      PortResult r;
      r.port = static_cast<uint16_t>(p * 1000 + k * 3);
      r.state = PortState::kOpen;
      r.reason = Reason::kSynAck;
      o.ports.push_back(r);
    }
  auto note = MarkImplausibleOpens(&o, 200);
  ASSERT_TRUE(note);
  EXPECT_NE(note->text.find("160 of 200 ports"), std::string::npos) << note->text;
}

TEST(Plausible, ABusyServerIsNot) {
  // 40 open ports, a few in a row: many, but plausible.
  HostOutcome o = Host(8000, 8010, {21, 22, 25, 53, 80, 110, 143, 443, 993, 995, 3306, 5432, 6379});
  EXPECT_FALSE(MarkImplausibleOpens(&o, 65535));
  for (const PortResult& r : o.ports) EXPECT_EQ(r.reason, Reason::kSynAck);
  // A /16 of two ports per host: two open of two is every port, but two.
  HostOutcome two = Host(80, 81);
  EXPECT_FALSE(MarkImplausibleOpens(&two, 2));
}

}  // namespace tj
