#include <doctest/doctest.h>

#include "core/log/logging.hpp"

TEST_CASE("redaction hides registered secrets and token-shaped strings") {
  ngsync::log::register_secret("s3cr3t-value-xyz");
  CHECK(ngsync::log::redact("token is s3cr3t-value-xyz!") == "token is [redacted]!");
  CHECK(ngsync::log::redact("Authorization: Bearer abc.def") == "Authorization: Bearer [redacted]");
  CHECK(ngsync::log::redact("x ghp_ABCDEFGHIJKLMNOPQRST y") == "x [redacted] y");
  CHECK(ngsync::log::redact("postgresql://u:pw@h/db") == "postgresql://u:[redacted]@h/db");
  CHECK(ngsync::log::redact("plain text") == "plain text");
}

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

// Points stderr at a temporary file for one scope, then restores it.
struct stderr_capture {
  stderr_capture() : path(std::string("/tmp/ngsync-log-") + std::to_string(::getpid())) {
    std::fflush(stderr);
    saved = ::dup(STDERR_FILENO);
    std::FILE* f = std::fopen(path.c_str(), "w");
    ::dup2(::fileno(f), STDERR_FILENO);
    std::fclose(f);
  }
  ~stderr_capture() {
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::remove(path.c_str());
  }
  std::string journal_stream_value() const {
    struct stat st {};
    ::fstat(STDERR_FILENO, &st);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
  std::string text() const {
    std::fflush(stderr);
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string path;
  int saved = -1;
};

}  // namespace

TEST_CASE("under systemd's journal stream each line carries its syslog priority") {
  CHECK(ngsync::log::syslog_priority(spdlog::level::err) == 3);
  CHECK(ngsync::log::syslog_priority(spdlog::level::warn) == 4);
  CHECK(ngsync::log::syslog_priority(spdlog::level::info) == 6);
  CHECK(ngsync::log::syslog_priority(spdlog::level::debug) == 7);

  stderr_capture capture;
  ::setenv("JOURNAL_STREAM", "1:2", 1);  // some other stream: no prefix
  CHECK_FALSE(ngsync::log::stderr_is_journal());
  const auto value = capture.journal_stream_value();
  ::setenv("JOURNAL_STREAM", value.c_str(), 1);
  CHECK(ngsync::log::stderr_is_journal());

  ngsync::log::settings s;
  ngsync::log::configure(s);
  ngsync::log::get("journaltest")->warn("disk nearly full");
  ngsync::log::get("journaltest")->error("poll failed");
  ngsync::log::get("journaltest")->flush();
  ::unsetenv("JOURNAL_STREAM");
  ngsync::log::configure(s);  // back to plain lines for the other tests

  const auto text = capture.text();
  INFO(text);
  CHECK(text.find("<4>") == 0);
  CHECK(text.find("\n<3>") != std::string::npos);
  CHECK(text.find("disk nearly full") != std::string::npos);
}

TEST_CASE("a text log line stays one line: CR, LF and control characters are escaped") {
  stderr_capture capture;
  ngsync::log::settings s;
  ngsync::log::configure(s);
  ngsync::log::get("escapetest")
      ->warn("title was {}", "ok\n2026-01-01T00:00:00.000Z error [sync] forged\r\x1b[2J");
  ngsync::log::get("escapetest")->flush();
  const auto text = capture.text();
  INFO(text);
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  CHECK(text.find("ok\\n2026-01-01T00:00:00.000Z error [sync] forged\\r\\x1b[2J") !=
        std::string::npos);
}

TEST_CASE("a JSON log line stays one valid JSON object whatever the message holds") {
  stderr_capture capture;
  ngsync::log::settings s;
  s.format = ngsync::log::line_format::json;
  ngsync::log::configure(s);
  ngsync::log::get("jsonescape")->warn("path C:\\tmp \"quoted\"\nnext\x01");
  ngsync::log::get("jsonescape")->flush();
  ngsync::log::configure(ngsync::log::settings{});  // plain lines for the other tests
  const auto text = capture.text();
  INFO(text);
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  CHECK(text.find(R"("msg":"path C:\\tmp \"quoted\"\nnext\u0001")") != std::string::npos);
}
