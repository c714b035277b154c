#include "net/pcap_api.h"

namespace tj {
namespace {

Result<PcapApi> LoadPcap() {
  auto lib = DynLib::Open(kLibPcap);
  if (!lib) return lib.error();
  PcapApi api;
  Status s;
#define TJ_BIND(name) \
  if (s) s = lib->Bind(#name, &api.name);
  TJ_PCAP_FUNCTIONS(TJ_BIND)
#undef TJ_BIND
  if (!s) return MakeError(s.message());
  return api;
}

}  // namespace

const Result<PcapApi>& Pcap() {
  static const Result<PcapApi> api = LoadPcap();
  return api;
}

}  // namespace tj
