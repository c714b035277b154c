// Deadline-bound socket and TLS I/O for service detection; see conn.h.
#include "service/conn.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>

#include "net/tcp_connect.h"
#include "service/cert.h"

namespace tj {
namespace {

int MsUntil(Clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(std::min<int64_t>(ms, 60000));
}

// One client context for every connection: no verification (we report the
// certificate, we do not trust it) and every protocol version and cipher,
// since old servers are exactly the ones worth finding.
SSL_CTX* ClientContext() {
  static SSL_CTX* ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_security_level(c, 0);
    SSL_CTX_set_min_proto_version(c, 0);
    SSL_CTX_set_cipher_list(c, "ALL:@SECLEVEL=0");
    SSL_CTX_set_options(c, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_IGNORE_UNEXPECTED_EOF);
    return c;
  }();
  return ctx;
}

}  // namespace

std::unique_ptr<Conn> Conn::Open(const Address& a, uint16_t port, Clock::time_point deadline, int* error) {
  int err = 0;
  int fd = StartConnect(a, port, &err);
  if (error) *error = err == EINPROGRESS ? 0 : err;
  if (fd < 0) return nullptr;
  std::unique_ptr<Conn> c(new Conn);
  c->fd_ = fd;
  if (err != 0 && err != EINPROGRESS) return nullptr;
  if (!c->WaitFor(POLLOUT, deadline)) {
    if (error) *error = ETIMEDOUT;
    return nullptr;
  }
  if (int pending = PendingError(fd); pending != 0) {
    if (error) *error = pending;
    return nullptr;
  }
  return c;
}

Conn::~Conn() {
  if (ssl_) SSL_free(static_cast<SSL*>(ssl_));
  if (fd_ >= 0) AbortClose(fd_);
}

bool Conn::WaitFor(short events, Clock::time_point until) const {
  while (true) {
    pollfd p{fd_, events, 0};
    int n = poll(&p, 1, MsUntil(until));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

bool Conn::StartTls(Clock::time_point deadline) {
  SSL* ssl = SSL_new(ClientContext());
  if (!ssl) return false;
  ssl_ = ssl;
  SSL_set_fd(ssl, fd_);
  while (true) {
    ERR_clear_error();
    int rc = SSL_connect(ssl);
    if (rc == 1) return true;
    int e = SSL_get_error(ssl, rc);
    short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (!ev || Clock::now() >= deadline || !WaitFor(ev, deadline)) {
      SSL_free(ssl);
      ssl_ = nullptr;
      return false;
    }
  }
}

bool Conn::Certificate(CertInfo* out) const {
  if (!ssl_) return false;
  X509* cert = SSL_get1_peer_certificate(static_cast<SSL*>(ssl_));
  if (!cert) return false;
  DescribeCertificate(cert, out);
  X509_free(cert);
  return true;
}

bool Conn::Send(std::string_view bytes, Clock::time_point deadline) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n;
    if (ssl_) {
      ERR_clear_error();
      int rc = SSL_write(static_cast<SSL*>(ssl_), bytes.data() + done, static_cast<int>(bytes.size() - done));
      if (rc > 0) {
        done += rc;
        continue;
      }
      int e = SSL_get_error(static_cast<SSL*>(ssl_), rc);
      short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
      if (!ev || !WaitFor(ev, deadline)) return false;
      continue;
    }
    n = send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += n;
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFor(POLLOUT, deadline)) return false;
    } else {
      reset_ |= n < 0 && (errno == ECONNRESET || errno == EPIPE);
      return false;
    }
  }
  return true;
}

int Conn::ReadSome(std::string* buf, size_t room, Clock::time_point until) {
  char tmp[4096];
  size_t want = std::min(room, sizeof tmp);
  while (true) {
    if (ssl_) {
      ERR_clear_error();
      int rc = SSL_read(static_cast<SSL*>(ssl_), tmp, static_cast<int>(want));
      if (rc > 0) {
        buf->append(tmp, rc);
        return rc;
      }
      int e = SSL_get_error(static_cast<SSL*>(ssl_), rc);
      short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
      if (!ev) return -1;
      if (!WaitFor(ev, until)) return 0;
      continue;
    }
    ssize_t n = recv(fd_, tmp, want, MSG_DONTWAIT);
    if (n > 0) {
      buf->append(tmp, n);
      return static_cast<int>(n);
    }
    if (n == 0) return -1;
    if (errno != EAGAIN && errno != EINTR) {
      reset_ |= errno == ECONNRESET;
      return -1;
    }
    if (!WaitFor(POLLIN, until)) return 0;
  }
}

}  // namespace tj
