// SqlDb over PostgreSQL (libpq): one history for a team whose scanners
// report to one place. Parameters travel as text, typed by the server from
// their context; results come back as text.
#include <fmt/format.h>

#include "history/pq_api.h"
#include "history/sql_db.h"

namespace tj {
namespace {

// libpq's messages span lines ("...failed: ...\n\tIs the server running...");
// the user gets one.
std::string OneLine(const char* msg) {
  std::string out;
  for (const char* p = msg; *p; ++p) {
    if (*p == '\n' || *p == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += *p;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// '?' placeholders become $1, $2 ... (the store's SQL has no '?' in literals).
std::string Number(std::string_view sql) {
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c == '?')
      out += fmt::format("${}", ++n);
    else
      out += c;
  }
  return out;
}

class PgDb : public SqlDb {
 public:
  PgDb(const PqApi& pq, PGconn* conn, std::string name) : pq_(pq), conn_(conn), name_(std::move(name)) {}
  ~PgDb() override { pq_.PQfinish(conn_); }
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  const std::string& name() const override { return name_; }

  Result<std::vector<SqlRow>> Query(std::string_view sql, std::span<const SqlValue> params) override {
    if (Status s = Reconnect(); !s.ok()) return Error{s.message()};
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (auto* n = std::get_if<int64_t>(&v))
        text[i] = std::to_string(*n);
      else if (auto* d = std::get_if<double>(&v))
        text[i] = fmt::format("{}", *d);
      else
        text[i] = std::get<std::string>(v);
      values[i] = text[i].c_str();
    }
    std::string numbered = Number(sql);
    auto run = [&] {
      return pq_.PQexecParams(conn_, numbered.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0);
    };
    PGresult* res = run();
    if (Lost()) {  // the connection died while idle (a long scan): once more on a new one
      pq_.PQclear(res);
      res = run();
    }
    ExecStatusType st = pq_.PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      Error e = Fail(pq_.PQresultErrorMessage(res));
      pq_.PQclear(res);
      return e;
    }
    std::vector<SqlRow> rows(pq_.PQntuples(res));
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
      rows[r].resize(pq_.PQnfields(res));
      for (int c = 0; c < pq_.PQnfields(res); ++c)
        if (!pq_.PQgetisnull(res, r, c))
          rows[r][c] = std::string(pq_.PQgetvalue(res, r, c), pq_.PQgetlength(res, r, c));
    }
    pq_.PQclear(res);
    return rows;
  }

  Status Exec(std::string_view script) override {
    if (Status s = Reconnect(); !s.ok()) return s;
    std::string s(script);
    PGresult* res = pq_.PQexec(conn_, s.c_str());
    if (Lost()) {
      pq_.PQclear(res);
      res = pq_.PQexec(conn_, s.c_str());
    }
    Status out;
    if (pq_.PQresultStatus(res) != PGRES_COMMAND_OK && pq_.PQresultStatus(res) != PGRES_TUPLES_OK)
      out = Fail(pq_.PQresultErrorMessage(res));
    pq_.PQclear(res);
    return out;
  }
  Status Begin() override {
    Status s = Exec("BEGIN");
    in_tx_ = s.ok();
    return s;
  }
  Status Commit() override {
    Status s = Exec("COMMIT");
    in_tx_ = false;
    if (!s.ok()) Rollback();
    return s;
  }
  void Rollback() override {
    in_tx_ = false;
    if (pq_.PQtransactionStatus(conn_) != PQTRANS_IDLE) pq_.PQclear(pq_.PQexec(conn_, "ROLLBACK"));
  }

  Error Fail(const char* msg) const {
    return MakeError(fmt::format("history database {}: {}", name_, OneLine(msg)));
  }

 private:
  // A connection held through a long scan, or by a watch across a server
  // restart, may be gone when next used: reconnect, between transactions
  // only (inside one, the work so far is gone and the transaction must fail).
  bool Lost() {
    if (in_tx_ || pq_.PQstatus(conn_) != CONNECTION_BAD) return false;
    pq_.PQreset(conn_);
    return pq_.PQstatus(conn_) == CONNECTION_OK;
  }
  Status Reconnect() {
    if (in_tx_) return Status::Ok();  // a dead connection fails the statement
    if (pq_.PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
    pq_.PQreset(conn_);
    if (pq_.PQstatus(conn_) != CONNECTION_OK) return Fail(pq_.PQerrorMessage(conn_));
    return Status::Ok();
  }

  const PqApi& pq_;  // Pq(), loaded for good
  PGconn* conn_;
  std::string name_;
  bool in_tx_ = false;  // between our BEGIN and COMMIT/ROLLBACK
};

// The URL without its password, for messages.
std::string Redact(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "\"" + url + "\"";
  size_t at = url.find('@', scheme + 3);
  size_t colon = url.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return "\"" + url + "\"";
  return "\"" + url.substr(0, colon + 1) + "***" + url.substr(at) + "\"";
}

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenPostgres(const std::string& url) {
  // A server that does not answer fails in 10 s unless the URL says otherwise
  // (later keywords win, and the URL comes last).
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* vals[] = {"10", "tojimari", url.c_str(), nullptr};
  const Result<PqApi>& pq = Pq();
  if (!pq) return pq.error();
  PGconn* conn = pq->PQconnectdbParams(keys, vals, 1);
  auto db = std::make_unique<PgDb>(*pq, conn, Redact(url));
  if (conn == nullptr) return MakeError("history database: out of memory");
  if (pq->PQstatus(conn) != CONNECTION_OK) return db->Fail(pq->PQerrorMessage(conn));
  // Quiet NOTICEs ("relation already exists, skipping") on stderr.
  if (Status s = db->Exec("SET client_min_messages = warning"); !s.ok()) return Error{s.message()};
  return std::unique_ptr<SqlDb>(std::move(db));
}

}  // namespace tj
