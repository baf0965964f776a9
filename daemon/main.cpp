// The ngsync executable: everything but this file lives in libraries shared with the tests.
#include <cstdlib>

#include "daemon/cli.hpp"

int main(int argc, char** argv) {
  // libpq's default gssencmode=prefer makes every connection first try GSSAPI encryption, which
  // initialises Kerberos (about 0.5 MiB of its code mapped, and a credential-cache lookup per
  // connect) even where nobody uses it. Off unless the environment says otherwise; a URL's own
  // `gssencmode=` still wins. Set here, before any thread exists, because setenv is not
  // thread-safe.
  ::setenv("PGGSSENCMODE", "disable", /*overwrite=*/0);
  return ngsync::daemon::run_cli(argc, argv);
}
