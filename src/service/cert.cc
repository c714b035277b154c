// X.509 fields into CertInfo; see cert.h.
#include "service/cert.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <ctime>

#include <fmt/format.h>

namespace tj {
namespace {

std::string NameString(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string s(data, n > 0 ? n : 0);
  BIO_free(bio);
  return s;
}

std::string TimeString(const ASN1_TIME* t) {
  tm parts{};
  if (!t || ASN1_TIME_to_tm(t, &parts) != 1) return "";
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", parts.tm_year + 1900, parts.tm_mon + 1,
                     parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
}

std::vector<std::string> AltNames(X509* cert) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type == GEN_DNS) {
      const ASN1_STRING* s = g->d.dNSName;
      out.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                         ASN1_STRING_length(s)));
    } else if (g->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = g->d.iPAddress;
      const unsigned char* b = ASN1_STRING_get0_data(ip);
      if (ASN1_STRING_length(ip) == 4) {
        out.push_back(fmt::format("IP:{}.{}.{}.{}", b[0], b[1], b[2], b[3]));
      } else if (ASN1_STRING_length(ip) == 16) {
        std::string s = "IP:";
        for (int k = 0; k < 16; k += 2) s += fmt::format("{}{:x}", k ? ":" : "", (b[k] << 8) | b[k + 1]);
        out.push_back(s);
      }
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

}  // namespace

void DescribeCertificate(X509* cert, CertInfo* out) {
  out->subject = NameString(X509_get_subject_name(cert));
  out->issuer = NameString(X509_get_issuer_name(cert));
  out->alt_names = AltNames(cert);
  out->not_before = TimeString(X509_get0_notBefore(cert));
  out->not_after = TimeString(X509_get0_notAfter(cert));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  out->sha256.clear();
  if (X509_digest(cert, EVP_sha256(), md, &len) == 1)
    for (unsigned i = 0; i < len; ++i) out->sha256 += fmt::format("{:02x}", md[i]);
  EVP_PKEY* key = X509_get0_pubkey(cert);
  out->self_signed = X509_check_issued(cert, cert) == X509_V_OK && key && X509_verify(cert, key) == 1;
  out->expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
  out->not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(cert)) > 0;
  time_t soon = time(nullptr) + 30 * 24 * 3600;
  out->expires_soon = !out->expired && X509_cmp_time(X509_get0_notAfter(cert), &soon) < 0;
}

}  // namespace tj
