// Small text helpers shared by the report writers: nmap's time and summary
// phrasing, and escaping for XML. Text that reaches a report can come from
// outside (a PTR record, the command line), so the escapers accept any bytes
// and always produce well-formed output.
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/scan_result.h"
#include "core/services.h"
#include "report/writer.h"

namespace tj {

// Local time as ctime() writes it, without the newline: "Sun Nov 22 01:29:01 2026".
std::string CTimeString(std::chrono::system_clock::time_point t);
// Seconds since the epoch.
long long UnixSeconds(std::chrono::system_clock::time_point t);

// "1 IP address (1 host up) scanned in 3.18 seconds"
std::string DoneSummary(const RunSummary& s);

// The service a report names for a port: what -sV found, or else the port
// table's name with method "table" and conf 3 (nmap's values for a name
// looked up by port number). An empty name: nothing is known.
ServiceInfo ReportedService(const PortResult& p, const ServiceTable& services);
// nmap's one-line version text: "OpenSSH 9.2p1 (protocol 2.0)"; "" when unknown.
std::string VersionText(const ServiceInfo& s);

// For XML text and attribute values: & < > " ' as references; tab, newline
// and carriage return as character references (so attribute normalisation
// keeps them); other control characters, which XML 1.0 cannot carry at all,
// and bytes that are not valid UTF-8, as the visible text "\xNN".
std::string XmlEscape(std::string_view s);
// For the inside of an XML comment, which cannot hold "--": XmlEscape, then
// the second of two dashes becomes "&#45;" (shown literally, as nmap does).
std::string XmlCommentText(std::string_view s);

// For one field of a line-oriented text format (grepable): control
// characters, which would split the line or the tab-separated fields, become
// "\xNN"; invalid UTF-8 likewise.
std::string LineSafe(std::string_view s);

// A -sV certificate as the lines of nmap's ssl-cert script output (normal
// output and XML show it so): "Subject: ...", "Subject Alternative Name: ...",
// "Issuer: ...", the validity dates, what is wrong with it, whether STARTTLS
// reached it, "SHA-256: ...". Each line is LineSafe.
std::vector<std::string> CertLines(const CertInfo& c);

}  // namespace tj
