// The fixture of the lab tests of `tojimari watch`: the real binary started
// in the background in the scanner namespace, a real HTTP receiver for its
// webhook (on 127.0.0.1 of the scanner namespace: alerts never leave
// loopback), and /metrics scraped with curl.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http_receiver.h"
#include "lab.h"
#include "lab_fixture.h"

namespace tjlab {

inline constexpr const char* kTarget = "198.18.0.2";

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class WatchLab : public LabFixture {
 protected:
  void SetUp() override {
    LabFixture::SetUp();
    if (NotReady()) return;
    std::string why;
    receiver_ = HttpReceiver::Start(scanner_ns(), &why);
    ASSERT_TRUE(receiver_) << why;
  }
  void TearDown() override {
    if (pid_ > 0) Stop();
    receiver_.reset();
    LabFixture::TearDown();
  }
  const std::string& scanner_ns() const { return lab_->scanner_ns(); }

  // Starts `tojimari watch ARGS` in the scanner namespace in the background.
  void Spawn(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"ip", "netns", "exec", scanner_ns(), ScannerBin(), "watch"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string err = P("watch.err");
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, STDERR_FILENO);
      dup2(fd, STDOUT_FILENO);
      // The test's directory: a file the watch leaves behind shows there.
      if (chdir(dir_.c_str()) != 0) _exit(126);
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      execvp(cargv[0], cargv.data());
      _exit(127);
    }
  }
  // SIGTERM to the watch we started; its exit code (-1: had to be killed).
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 150; ++i) {  // 15 s
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }

  std::string Scrape(int port) {
    auto r = lab_->RunInScanner({"curl", "-s", "-m", "5", "http://127.0.0.1:" + std::to_string(port) + "/metrics"},
                                std::chrono::seconds(10));
    return r.out;
  }
  // A metric's value in the scrape; -1 when absent.
  static double Metric(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    return -1;
  }
  bool WaitForScans(int port, double n, std::chrono::seconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (Metric(Scrape(port), "tojimari_scans_total") >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  // A few of the lab's open ports and one spare (closed) port.
  std::vector<int> Ports(int spare) const {
    std::vector<int> ports = {22, 80, 3306};
    ports.push_back(spare);
    return ports;
  }
  static std::string PortList(const std::vector<int>& ports) {
    std::string s;
    for (int p : ports) s += (s.empty() ? "" : ",") + std::to_string(p);
    return s;
  }

  std::unique_ptr<HttpReceiver> receiver_;
  pid_t pid_ = -1;
};

}  // namespace tjlab
