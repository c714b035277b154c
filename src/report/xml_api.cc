#include "report/xml_api.h"

namespace tj {
namespace {

Result<XmlApi> LoadXml() {
  auto lib = DynLib::Open(kLibXml2);
  if (!lib) return lib.error();
  XmlApi api;
  Status s;
#define TJ_BIND(name) \
  if (s) s = lib->Bind(#name, &api.name);
  TJ_XML_FUNCTIONS(TJ_BIND)
#undef TJ_BIND
  if (!s) return MakeError(s.message());
  // libxml2 keeps process-wide tables; initialising them once, before any
  // parse, is what makes concurrent parses safe.
  api.xmlInitParser();
  return api;
}

}  // namespace

const Result<XmlApi>& Xml() {
  static const Result<XmlApi> api = LoadXml();
  return api;
}

}  // namespace tj
