#include "history/pq_api.h"

namespace tj {
namespace {

Result<PqApi> LoadPq() {
  auto lib = DynLib::Open(kLibPq);
  if (!lib) return lib.error();
  PqApi api;
  Status s;
#define TJ_BIND(name) \
  if (s) s = lib->Bind(#name, &api.name);
  TJ_PQ_FUNCTIONS(TJ_BIND)
#undef TJ_BIND
  if (!s) return MakeError(s.message());
  return api;
}

}  // namespace

const Result<PqApi>& Pq() {
  static const Result<PqApi> api = LoadPq();
  return api;
}

}  // namespace tj
