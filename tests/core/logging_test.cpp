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
