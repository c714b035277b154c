// libpq, loaded on first use (core/dynlib.h): only a PostgreSQL history
// (--db postgresql://...) needs it, and linked it brought 24 libraries
// (Kerberos, LDAP, GSSAPI...) into every run.
// Thread-safety: Pq() loads once (a function-local static) and the table
// is immutable after; libpq's own rules hold for the connections.
#pragma once

#include <libpq-fe.h>

#include "core/dynlib.h"

namespace tj {

// Every libpq function tojimari calls (tests included), listed once.
// clang-format off
#define TJ_PQ_FUNCTIONS(X)                                                                                 \
  X(PQconnectdbParams) X(PQconnectdb) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQreset)                 \
  X(PQexec) X(PQexecParams) X(PQresultStatus) X(PQresultErrorMessage) X(PQclear) X(PQntuples) X(PQnfields) \
  X(PQgetisnull) X(PQgetvalue) X(PQgetlength) X(PQtransactionStatus) X(PQlibVersion)
// clang-format on

struct PqApi {
  TJ_PQ_FUNCTIONS(TJ_DYNLIB_FIELD)
};

// libpq, loaded by the first call; later calls return the same outcome.
// Missing: "PostgreSQL history needs libpq.so.5 (Debian package libpq5),
// which is not installed".
const Result<PqApi>& Pq();

}  // namespace tj
