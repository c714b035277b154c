// Reply decoders: small readers for what a signature's regex cannot say,
// named by a probe's "decode=" field in data/service-probes.txt. A regex
// finds the service; a decoder then reads a list (the programs a portmapper
// registered) or binary numbers (an NTP server's stratum) from the same
// reply. A decoder only fills fields the signature left empty, and leaves
// everything unchanged when the reply is not well-formed (hostile input).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/scan_result.h"

namespace tj {

bool IsDecoder(std::string_view name);
std::string DecoderNames();  // "ntp, rpc-dump", for error messages

// Returns false (info untouched) for an unknown decoder or a malformed reply.
bool Decode(std::string_view name, std::string_view reply, ServiceInfo* info);

// The decoders themselves, for tests:
// rpc-dump: an ONC RPC reply (RFC 5531) to the portmapper's DUMP procedure
// (RFC 1833): version = the versions of program 100000 ("2-4"), extrainfo =
// every registered program with its versions and transports.
bool DecodeRpcDump(std::string_view reply, ServiceInfo* info);
// ntp: an NTP server reply (RFC 5905 7.3, mode 4): extrainfo = protocol
// version, stratum, and whether the server is synchronised.
bool DecodeNtp(std::string_view reply, ServiceInfo* info);

}  // namespace tj
