# Turns a text file into a C++ string constant: tj::embedded::<NAME>.
# A raw string literal keeps the data readable in the generated file; the
# delimiter is one no data file may contain.
file(READ ${IN} content)
string(FIND "${content}" ")TJEMBED\"" bad)
if(NOT bad EQUAL -1)
  message(FATAL_ERROR "${IN} contains the embed delimiter")
endif()
file(WRITE ${OUT} "// Generated from ${IN}; edit that file instead.\n#include <string_view>\nnamespace tj::embedded {\nextern const std::string_view ${NAME};\nconst std::string_view ${NAME} = R\"TJEMBED(${content})TJEMBED\";\n}\n")
