// The webhook sink: the alert JSON POSTed with libcurl (Debian's
// libcurl4-openssl-dev; loaded when a webhook is made, watch/curl_api.h),
// with a connect timeout and a whole-request timeout,
// http and https only, no redirects. Slack's incoming webhooks read the
// "text" field; other receivers get the structured fields beside it.
#include <fmt/format.h>

#include "watch/alert_sink.h"
#include "watch/curl_api.h"

namespace tj {
namespace {

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

class WebhookSink : public AlertSink {
 public:
  WebhookSink(const CurlApi& api, std::string url, SinkOptions opts)
      : api_(api), url_(std::move(url)), opts_(std::move(opts)) {}

  std::string name() const override { return "webhook"; }

  Status Send(const Alert& alert) override {
    std::string body = AlertJson(alert, opts_.version);
    std::unique_ptr<CURL, void (*)(CURL*)> curl(api_.curl_easy_init(), api_.curl_easy_cleanup);
    if (!curl) return MakeError("webhook: could not start libcurl");
    curl_slist* headers = api_.curl_slist_append(nullptr, "Content-Type: application/json");
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> keep(headers, api_.curl_slist_free_all);
    char err[CURL_ERROR_SIZE] = "";
    CURL* c = curl.get();
    api_.curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    api_.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api_.curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    api_.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM
    api_.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                          static_cast<long>(std::min<int64_t>(opts_.timeout.count(), 5000)));
    api_.curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.timeout.count()));
    api_.curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    api_.curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    api_.curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    api_.curl_easy_setopt(c, CURLOPT_USERAGENT, ("tojimari/" + opts_.version).c_str());
    api_.curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
    api_.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    CURLcode rc = api_.curl_easy_perform(c);
    if (rc != CURLE_OK)
      return MakeError(fmt::format("webhook {}: {}", Redacted(), err[0] ? err : api_.curl_easy_strerror(rc)));
    long status = 0;
    api_.curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status >= 300) return MakeError(fmt::format("webhook {}: HTTP status {}", Redacted(), status));
    return Status::Ok();
  }

 private:
  // Webhook URLs carry their secret in the path (Slack's do): logs show
  // the scheme and host only.
  std::string Redacted() const {
    size_t start = url_.find("://");
    size_t end = url_.find('/', start == std::string::npos ? 0 : start + 3);
    return url_.substr(0, end) + (end == std::string::npos ? "" : "/...");
  }

  const CurlApi& api_;  // Curl(), loaded for good
  std::string url_;
  SinkOptions opts_;
};

}  // namespace

Result<std::unique_ptr<AlertSink>> MakeWebhookSink(const std::string& url, const SinkOptions& opts) {
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    return MakeError(fmt::format("--webhook \"{}\": expected an http:// or https:// URL", url));
  const Result<CurlApi>& api = Curl();
  if (!api) return api.error();
  return std::unique_ptr<AlertSink>(new WebhookSink(*api, url, opts));
}

}  // namespace tj
