#include "cli/command_table.h"

#include <gtest/gtest.h>

#include <set>

#include "cli/scan_params.h"

namespace tj {
namespace {

std::vector<ParamDoc> AllOptions(const Command& c) {
  std::vector<ParamDoc> out = c.options ? c.options() : std::vector<ParamDoc>{};
  if (c.scan_options())
    for (const ParamDoc& d : ParamDocs(ScanParams())) out.push_back(d);
  return out;
}

std::string ManName(std::string_view name) {
  std::string out = "\\fB";
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

}  // namespace

TEST(CommandTable, NamesAreUniqueAndFound) {
  std::set<std::string_view> seen;
  for (const Command& c : Commands()) {
    EXPECT_TRUE(seen.insert(c.name).second) << c.name;
    EXPECT_EQ(FindCommand(c.name), &c);
    EXPECT_NE(c.run, nullptr) << c.name;
  }
  EXPECT_EQ(FindCommand("nosuch"), nullptr);
}

// Help, man page and completions are written from the same tables the
// parser reads: every documented option of every command appears in each.
TEST(CommandTable, HelpManPageAndCompletionsNameEveryOption) {
  std::string man = ManPage(), bash = Completion("bash"), zsh = Completion("zsh");
  for (char& ch : bash) ch = ch == '\'' ? ' ' : ch;  // words of opts='...' lists
  for (const Command& c : Commands()) {
    if (c.hidden()) continue;
    std::string help = CommandHelp(c);
    std::string upper(c.name);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_NE(man.find(".SH \"TOJIMARI " + upper + "\""), std::string::npos) << c.name;
    EXPECT_NE(MainHelp().find("tojimari " + std::string(c.name == "scan" ? "[scan]" : c.name)), std::string::npos)
        << c.name;
    for (const ParamDoc& d : AllOptions(c)) {
      if (c.options && !c.scan_options() && !d.help.empty()) {
        EXPECT_NE(help.find(std::string(d.name)), std::string::npos) << c.name << " " << d.name;
      }
      EXPECT_NE(man.find(ManName(d.name)), std::string::npos) << d.name;
      EXPECT_NE(bash.find(" " + std::string(d.name) + " "), std::string::npos) << c.name << " " << d.name;
      EXPECT_NE(zsh.find("'*" + std::string(d.name)), std::string::npos) << c.name << " " << d.name;
    }
  }
  EXPECT_EQ(Completion("fish"), "");
}

TEST(CommandTable, ManPageIsSafeRoff) {
  std::string man = ManPage();
  // No line of text may start with a control character by accident: every
  // line is a request we wrote (".XX") or text that does not start with '.'
  // or '\''.
  size_t pos = 0;
  while (pos < man.size()) {
    size_t end = man.find('\n', pos);
    std::string_view line(man.data() + pos, (end == std::string::npos ? man.size() : end) - pos);
    if (line.starts_with(".")) {
      std::string_view request = line.substr(1, line.find(' ') - 1);
      static const std::set<std::string_view> kRequests = {"TH", "SH", "PP", "TP", "nf", "fi", "I", "BR"};
      EXPECT_TRUE(kRequests.count(request)) << line;
    }
    EXPECT_FALSE(line.starts_with("'")) << line;
    pos = end == std::string::npos ? man.size() : end + 1;
  }
}

TEST(Params, MetavarChoices) {
  EXPECT_EQ(MetavarChoices("0-5"), (std::vector<std::string>{"0", "1", "2", "3", "4", "5"}));
  EXPECT_EQ(MetavarChoices("text|json|sarif"), (std::vector<std::string>{"text", "json", "sarif"}));
  EXPECT_TRUE(MetavarChoices("FILE").empty());
  EXPECT_TRUE(MetavarChoices("I/N").empty());
  EXPECT_TRUE(MetavarChoices("1-65535").empty());  // a range too long to list is no list
  EXPECT_TRUE(MetavarIsPath("FILE"));
  EXPECT_FALSE(MetavarIsPath("URL"));
}

// audit and watch: their own options applied, every other word passed on in
// order, a scan option's separate value kept with it.
TEST(Params, OwnOptionsAndTheRestPassedOn) {
  struct Own {
    std::string policy, format;
    bool once = false;
  };
  using SV = std::string_view;
  static constexpr Param<Own> kOwn[] = {
      {"--policy", ArgKind::kValue, "FILE", "", "", [](Own& o, SV v) { o.policy = v; return Status::Ok(); }},
      {"--format", ArgKind::kValue, "F", "", "", [](Own& o, SV v) { o.format = v; return Status::Ok(); }},
      {"--once", ArgKind::kFlag, "", "", "", [](Own& o, SV) { o.once = true; return Status::Ok(); }},
  };
  Own o;
  std::vector<std::string> rest;
  ASSERT_TRUE(ParseOwnParams(std::span<const Param<Own>>(kOwn), ScanParams(),
                             {"-sV", "--policy", "p.toml", "-p", "80", "--format=json", "-T4", "--max-rate", "100",
                              "-PS", "198.18.0.2", "--once"},
                             &o, &rest)
                  .ok());
  EXPECT_EQ(o.policy, "p.toml");
  EXPECT_EQ(o.format, "json");
  EXPECT_TRUE(o.once);
  // -PS takes ports only attached: the next word is not its value.
  EXPECT_EQ(rest, (std::vector<std::string>{"-sV", "-p", "80", "-T4", "--max-rate", "100", "-PS", "198.18.0.2"}));
  Status s = ParseOwnParams(std::span<const Param<Own>>(kOwn), ScanParams(), {"--policy"}, &o, &rest);
  EXPECT_EQ(s.message(), "option \"--policy\" needs a value (FILE)");
  s = ParseOwnParams(std::span<const Param<Own>>(kOwn), ScanParams(), {"--once=yes"}, &o, &rest);
  EXPECT_EQ(s.message(), "option \"--once\" takes no value");
}

}  // namespace tj
