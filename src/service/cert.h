// Reads what a report needs from an X.509 certificate: names, dates,
// fingerprint, and whether it is self-signed, expired or expiring soon.
// Thread-safety: pure function of its argument and the clock.
#pragma once

#include <openssl/x509.h>

#include "core/scan_result.h"

namespace tj {

void DescribeCertificate(X509* cert, CertInfo* out);

}  // namespace tj
