// The built-in HTTP signatures (GetRequest and the API probes before it)
// against answers captured on loopback from Debian 12's packages (haproxy
// 2.6.12, varnish 7.1.1, squid 5.7, caddy 2.6.2, etcd 3.4.23, influxdb 1.6.7,
// cups 2.4.2, mercurial 6.3.2's hg serve) and answers built from the
// projects' API documentation or sources where the lab cannot run them.
#include <gtest/gtest.h>

#include <string>

#include "service/match.h"
#include "service/probe_db.h"
#include "support/signature_testing.h"

namespace tj {
namespace {

using namespace std::string_literals;

MatchResult Get(const std::string& reply) { return Answer("GetRequest", reply); }

TEST(SignaturesWeb, ProxiesAndCaches) {
  // haproxy 2.6.12 with its backend down (captured): no Server header.
  auto ha = Get(
      "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 107\r\ncache-control: no-cache\r\ncontent-type: "
      "text/html\r\nconnection: close\r\n\r\n<html><body><h1>503 Service Unavailable</h1>\nNo server is available to "
      "handle this request.\n</body></html>\n");
  EXPECT_FALSE(ha.soft);
  EXPECT_EQ(ha.info.name, "http");
  EXPECT_EQ(ha.info.product, "HAProxy http proxy");
  // varnishd 7.1.1 with its backend down (captured).
  auto va = Get(
      "HTTP/1.1 503 Backend fetch failed\r\nDate: Sun, 06 Dec 2026 23:19:59 GMT\r\nServer: Varnish\r\nContent-Type: "
      "text/html; charset=utf-8\r\nRetry-After: 5\r\nX-Varnish: 2\r\nAge: 0\r\nVia: 1.1 varnish (Varnish/7.1)\r\n"
      "Content-Length: 278\r\nConnection: close\r\n\r\n<!DOCTYPE html>\n<html>\n");
  EXPECT_EQ(va.info.product, "Varnish http accelerator");
  EXPECT_EQ(va.info.version, "7.1");
  // squid 5.7 (captured): its invalid-URL page.
  auto sq = Get(
      "HTTP/1.1 400 Bad Request\r\nServer: squid/5.7\r\nMime-Version: 1.0\r\nDate: Sun, 06 Dec 2026 23:19:59 "
      "GMT\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: 1412\r\nX-Squid-Error: ERR_INVALID_URL "
      "0\r\nVia: 1.1 vm (squid/5.7)\r\nConnection: close\r\n\r\n<!DOCTYPE html PUBLIC");
  EXPECT_EQ(sq.info.name, "http-proxy");
  EXPECT_EQ(sq.info.version, "5.7");
  EXPECT_EQ(Get("HTTP/1.1 404 Not Found\r\nServer: ATS/9.2.3\r\n\r\n").info.product, "Apache Traffic Server");
}

TEST(SignaturesWeb, ServersByHeaderAndPage) {
  // caddy 2.6.2 (captured).
  EXPECT_EQ(Get("HTTP/1.0 200 OK\r\nServer: Caddy\r\nDate: Sun, 06 Dec 2026 23:20:56 GMT\r\nContent-Length: "
                "0\r\n\r\n")
                .info.product,
            "Caddy httpd");
  // Tomcat behind its Coyote connector is Tomcat, not Apache httpd.
  EXPECT_EQ(Get("HTTP/1.1 200 OK\r\nServer: Apache-Coyote/1.1\r\n\r\n").info.product, "Apache Tomcat");
  // Tomcat 9's error page (ErrorReportValve) without a Server header.
  auto tc = Get(
      "HTTP/1.1 404 \r\nContent-Type: text/html;charset=utf-8\r\nContent-Language: en\r\n\r\n<!doctype html><html "
      "lang=\"en\"><head><title>HTTP Status 404 \xe2\x80\x93 Not Found</title></head><body><h1>HTTP Status 404</h1>"
      "<hr class=\"line\" /><h3>Apache Tomcat/9.0.58</h3></body></html>");
  EXPECT_EQ(tc.info.product, "Apache Tomcat");
  EXPECT_EQ(tc.info.version, "9.0.58");
  auto jt = Get("HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html><body><hr><a "
                "href=\"https://eclipse.org/jetty\">Powered by Jetty:// 9.4.53.v20231009</a><hr/></body></html>");
  EXPECT_EQ(jt.info.product, "Jetty");
  EXPECT_EQ(jt.info.version, "9.4.53.v20231009");
  // Apache with mod_dav_svn.
  auto svn = Get("HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Debian) SVN/1.14.2\r\n\r\n");
  EXPECT_EQ(svn.info.product, "Apache httpd");
  EXPECT_EQ(svn.info.extrainfo, "Debian; Subversion 1.14.2");
  auto api = Get("HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=us-ascii\r\nServer: "
                 "Microsoft-HTTPAPI/2.0\r\n\r\n");
  EXPECT_EQ(api.info.product, "Microsoft HTTPAPI httpd");
  EXPECT_EQ(api.info.ostype, "Windows");
  EXPECT_EQ(Get("HTTP/1.1 200 OK\r\nServer: MiniServ/2.105\r\n\r\n").info.extrainfo, "Webmin httpd");
  auto upnp = Get("HTTP/1.1 200 OK\r\nServer: Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.3\r\n\r\n");
  EXPECT_EQ(upnp.info.name, "upnp");
  EXPECT_EQ(upnp.info.version, "2.3.3");
  // Go's default 404 (net/http NotFound), no Server header.
  auto go = Get(
      "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nDate: "
      "Sun, 06 Dec 2026 23:20:58 GMT\r\nContent-Length: 19\r\n\r\n404 page not found\n");
  EXPECT_EQ(go.info.product, "Golang net/http server");
}

TEST(SignaturesWeb, Applications) {
  // influxd 1.6.7 (captured): Go's 404 page, but its header names it.
  auto influx = Get(
      "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: "
      "nosniff\r\nX-Influxdb-Build: OSS\r\nX-Influxdb-Version: 1.6.7~rc0\r\nDate: Sun, 06 Dec 2026 23:23:45 "
      "GMT\r\nContent-Length: 19\r\n\r\n404 page not found\n");
  EXPECT_EQ(influx.info.product, "InfluxDB http admin");
  EXPECT_EQ(influx.info.version, "1.6.7~rc0");
  // cupsd 2.4.2 (captured): the title carries the full version.
  auto cups = Get(
      "HTTP/1.0 400 Bad Request\r\nContent-Language: en\r\nContent-Length: 346\r\nContent-Type: text/html; "
      "charset=utf-8\r\nDate: Sun, 06 Dec 2026 23:23:45 GMT\r\nAccept-Encoding: gzip, deflate, identity\r\nServer: "
      "CUPS/2.4 IPP/2.1\r\nX-Frame-Options: DENY\r\n\r\n<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 "
      "Transitional//EN\">\n<HTML>\n<HEAD>\n\t<TITLE>Bad Request - CUPS v2.4.2</TITLE>\n</HEAD>\n</HTML>\n");
  EXPECT_EQ(cups.info.name, "ipp");
  EXPECT_EQ(cups.info.product, "CUPS");
  EXPECT_EQ(cups.info.version, "2.4.2");
  EXPECT_EQ(cups.info.extrainfo, "IPP 2.1");
  // hg serve 6.3.2 (captured, shortened): hgweb's page behind BaseHTTPServer.
  auto hg = Get(
      "HTTP/1.1 200 Script output follows\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\nContent-Type: text/html; "
      "charset=UTF-8\r\n\r\n<div class=\"logo\">\n<a href=\"https://mercurial-scm.org/\">\n<img "
      "src=\"/static/hglogo.png\" alt=\"mercurial\" /></a>\n</div>\n");
  EXPECT_EQ(hg.info.product, "Mercurial hgweb");
  // Built from each project's documentation.
  auto os = Get(
      "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"name\":\"n1\",\"cluster_name\":\"c\","
      "\"version\":{\"distribution\":\"opensearch\",\"number\":\"2.11.0\",\"build_type\":\"tar\"},"
      "\"tagline\":\"The OpenSearch Project: https://opensearch.org/\"}");
  EXPECT_EQ(os.info.product, "OpenSearch REST API");
  EXPECT_EQ(os.info.version, "2.11.0");
  auto es = Get("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"security\"\r\nX-elastic-product: "
                "Elasticsearch\r\ncontent-type: application/json\r\n\r\n{\"error\":{}}");
  EXPECT_EQ(es.info.product, "Elasticsearch REST API");
  auto couch = Get("HTTP/1.1 200 OK\r\nServer: CouchDB/3.3.2 (Erlang OTP/24)\r\n\r\n{\"couchdb\":\"Welcome\","
                   "\"version\":\"3.3.2\",\"git_sha\":\"11a234070\"}\n");
  EXPECT_EQ(couch.info.product, "CouchDB httpd");
  EXPECT_EQ(couch.info.version, "3.3.2");
  auto jenkins = Get("HTTP/1.1 403 Forbidden\r\nServer: Jetty(10.0.18)\r\nX-Jenkins: 2.426.1\r\n\r\n");
  EXPECT_EQ(jenkins.info.product, "Jenkins");
  EXPECT_EQ(jenkins.info.version, "2.426.1");
  EXPECT_EQ(Get("HTTP/1.1 200 OK\r\nSet-Cookie: i_like_gitea=0c1d; Path=/; HttpOnly\r\n\r\n").info.product, "Gitea");
  EXPECT_EQ(Get("HTTP/1.1 302 Found\r\nLocation: /graph\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<a "
                "href=\"/graph\">Found</a>.\n\n")
                .info.product,
            "Prometheus");
  EXPECT_EQ(Get("HTTP/1.1 200 OK\r\n\r\n<html><head><title>RabbitMQ Management</title>").info.product,
            "RabbitMQ management");
  auto neo = Get("HTTP/1.1 200 OK\r\n\r\n{\"bolt_direct\":\"bolt://localhost:7687\",\"neo4j_version\":\"5.13.0\","
                 "\"neo4j_edition\":\"community\"}");
  EXPECT_EQ(neo.info.product, "Neo4j");
  EXPECT_EQ(neo.info.extrainfo, "community");
}

TEST(SignaturesWeb, VersionApis) {
  // etcd 3.4.23's /version (captured).
  auto etcd = Answer(
      "HTTPVersionAPI",
      "HTTP/1.0 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: application/json\r\nContent-Length: "
      "45\r\n\r\n{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}");
  EXPECT_EQ(etcd.info.name, "http");
  EXPECT_EQ(etcd.info.product, "etcd");
  EXPECT_EQ(etcd.info.version, "3.4.23");
  // Docker Engine API and Kubernetes (their API references).
  auto docker = Answer(
      "HTTPVersionAPI",
      "HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nContent-Type: application/json\r\nServer: Docker/24.0.7 "
      "(linux)\r\n\r\n{\"Platform\":{\"Name\":\"Docker Engine - Community\"},\"Components\":[{\"Name\":\"Engine\","
      "\"Version\":\"24.0.7\"}],\"Version\":\"24.0.7\",\"ApiVersion\":\"1.43\",\"MinAPIVersion\":\"1.12\"}\n");
  EXPECT_EQ(docker.info.product, "Docker");
  EXPECT_EQ(docker.info.version, "24.0.7");
  EXPECT_EQ(docker.info.extrainfo, "API 1.43; Docker Engine - Community");
  auto k8s = Answer("HTTPVersionAPI",
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\n  \"major\": \"1\",\n  \"minor\": "
                    "\"28\",\n  \"gitVersion\": \"v1.28.2\",\n  \"platform\": \"linux/amd64\"\n}");
  EXPECT_EQ(k8s.info.product, "Kubernetes API server");
  EXPECT_EQ(k8s.info.version, "1.28.2");
  // Another web server on such a port: GetRequest's signatures (fallback).
  auto other = Answer("HTTPVersionAPI", "HTTP/1.1 404 Not Found\r\nServer: nginx/1.22.1\r\n\r\n");
  EXPECT_EQ(other.info.product, "nginx");
  auto consul = Answer(
      "ConsulAgentSelf",
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nVary: Accept-Encoding\r\n\r\n{\"Config\":{\"Datacenter\":"
      "\"dc1\",\"PrimaryDatacenter\":\"dc1\",\"NodeName\":\"node-1\",\"NodeID\":\"4ad5\",\"Revision\":\"1f2a\","
      "\"Server\":true,\"Version\":\"1.17.0\"}}");
  EXPECT_EQ(consul.info.product, "HashiCorp Consul");
  EXPECT_EQ(consul.info.version, "1.17.0");
  EXPECT_EQ(consul.info.hostname, "node-1");
  auto vault = Answer(
      "VaultHealth",
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"initialized\":true,\"sealed\":false,\"standby\":"
      "false,\"performance_standby\":false,\"replication_performance_mode\":\"disabled\",\"server_time_utc\":"
      "1700000000,\"version\":\"1.15.2\",\"cluster_name\":\"vault-cluster-1\"}");
  EXPECT_EQ(vault.info.product, "HashiCorp Vault");
  EXPECT_EQ(vault.info.version, "1.15.2");
  EXPECT_EQ(vault.info.extrainfo, "initialized true; sealed false");
  auto matrix = Answer("MatrixFederationVersion", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
                                                  "{\"server\":{\"name\":\"Synapse\",\"version\":\"1.98.0\"}}");
  EXPECT_EQ(matrix.info.product, "Synapse");
  EXPECT_EQ(matrix.info.version, "1.98.0");
  EXPECT_EQ(matrix.info.extrainfo, "Matrix homeserver");
}

TEST(SignaturesWeb, PlainRequestToTlsPortMeansSsl) {
  // Go's fixed answer (net/http/server.go): named ssl, so TLS is tried.
  auto go = Get("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
  EXPECT_FALSE(go.soft);
  EXPECT_EQ(go.info.name, "ssl");
  // nginx's page says so even though it also names nginx.
  EXPECT_EQ(Get("HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\n\r\n<html><head><title>400 The plain HTTP "
                "request was sent to HTTPS port</title></head></html>")
                .info.name,
            "ssl");
  EXPECT_EQ(Get("HTTP/1.0 200 Document follows\r\nServer: MiniServ/2.105\r\n\r\n<h1>Error - Document follows</h1>\n"
                "<p>This web server is running in SSL mode. Try the URL https://host:10000/ instead.</p>\n")
                .info.name,
            "ssl");
}

// A Server header no signature knows: "name/version (comment)" is split as
// RFC 9110's product tokens are; a header of another shape stays whole.
TEST(SignaturesWeb, AnyServerHeaderGivesProductAndVersion) {
  // webfs 1.21 and Icecast 2.4.4 (Debian 12, captured) and made-up others.
  auto webfs = Get("HTTP/1.1 200 OK\r\nServer: webfs/1.21\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(webfs.info.product, "webfs");
  EXPECT_EQ(webfs.info.version, "1.21");
  auto ice = Get("HTTP/1.0 200 OK\r\nServer: Icecast 2.4.4\r\nDate: Mon, 07 Dec 2026 03:00:00 GMT\r\n\r\n");
  EXPECT_EQ(ice.info.product, "Icecast");
  EXPECT_EQ(ice.info.version, "2.4.4");
  auto c = Get("HTTP/1.1 404 Not Found\r\nServer: Frobnicator/3.2.1-rc1 (Unix)\r\n\r\n");
  EXPECT_EQ(c.info.product, "Frobnicator");
  EXPECT_EQ(c.info.version, "3.2.1-rc1");
  EXPECT_EQ(c.info.extrainfo, "Unix");
  auto whole = Get("HTTP/1.1 200 OK\r\nServer: a cluster of three\r\n\r\n");
  EXPECT_EQ(whole.info.product, "a cluster of three");
  EXPECT_EQ(whole.info.version, "");
}

TEST(SignaturesWeb, EchoAndNegatives) {
  // An echo service returns the request: named echo, never http.
  auto echo = Get("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(echo.info.name, "echo");
  EXPECT_NE(Answer("HTTPVersionAPI", "GET /version HTTP/1.0\r\n\r\n").info.name, "http");
  // A random blob is not HTTP.
  EXPECT_FALSE(Get("\x17\x03\x03\x00\x13\xa1\x9e\x07\x33\x00\x51\xfe\xc2"s).matched);
  // A JSON document without HTTP around it is not an API answer.
  EXPECT_FALSE(Answer("HTTPVersionAPI", "{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}").matched);
}

}  // namespace
}  // namespace tj
