#include "core/toml_text.h"

#include <sstream>

namespace tj {

toml::value ParseTomlText(std::string_view text, const std::string& name) {
  std::istringstream in{std::string(text)};
  return toml::parse(in, name);
}

}  // namespace tj
