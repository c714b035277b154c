// libxml2, loaded on first use (core/dynlib.h): only reading an XML report
// back (audit --from, diff, history import) needs it, and linked it brought
// ICU (libicuuc, libicudata) into every run. (The XML writer writes text.)
// Thread-safety: Xml() loads once (a function-local static) and runs
// xmlInitParser then, before any parse, which is what makes concurrent
// parses safe; the table is immutable after.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "core/dynlib.h"

namespace tj {

// Every libxml2 function tojimari calls, listed once; and xmlFree, which is
// not a function but a variable holding libxml2's free function.
// clang-format off
#define TJ_XML_FUNCTIONS(X)                                                                                \
  X(xmlInitParser) X(xmlReaderForMemory) X(xmlReaderForFd) X(xmlFreeTextReader) X(xmlGetNoNsProp)          \
  X(xmlTextReaderRead) X(xmlTextReaderNext) X(xmlTextReaderNodeType) X(xmlTextReaderDepth) X(xmlGetLineNo) \
  X(xmlTextReaderConstLocalName) X(xmlTextReaderGetAttribute) X(xmlTextReaderGetParserLineNumber)          \
  X(xmlTextReaderExpand) X(xmlTextReaderSetStructuredErrorHandler) X(xmlFree)
// clang-format on

struct XmlApi {
  TJ_XML_FUNCTIONS(TJ_DYNLIB_FIELD)
  // Frees what libxml2 allocated for us (attribute values) as xmlFree(p)
  // does: through the variable, read at each call (xmlMemSetup may set it).
  void Free(void* p) const { (*xmlFree)(p); }
};

// libxml2, loaded and initialised by the first call; later calls return the
// same outcome. Missing: "reading an XML report needs libxml2.so.2 (Debian
// package libxml2), which is not installed".
const Result<XmlApi>& Xml();

}  // namespace tj
