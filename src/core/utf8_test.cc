#include "core/utf8.h"

#include <gtest/gtest.h>

namespace tj {

// A PTR name or banner that tries to drive the terminal: retitle the window
// (OSC ... BEL), colour the text (CSI), or fake a new line.
TEST(Printable, ControlsAreShownNeverObeyed) {
  EXPECT_EQ(Printable("\x1b]0;pwned\x07\x1b[31mhost"), "\\x1b]0;pwned\\x07\\x1b[31mhost");
  EXPECT_EQ(Printable("a\nb\rc\td\x7f"), "a\\x0ab\\x0dc\\x09d\\x7f");
  EXPECT_EQ(Printable("\xc2\x9b" "2J"), "\\xc2\\x9b2J");  // C1 CSI in UTF-8
  EXPECT_EQ(Printable("\xff\xfe"), "\\xff\\xfe");        // not UTF-8
  EXPECT_EQ(Printable("戸締まり.example"), "戸締まり.example");
  EXPECT_EQ(Printable("plain host-1.example"), "plain host-1.example");
}

}  // namespace tj
