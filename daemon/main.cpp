// The ngsync executable: everything but this file lives in libraries shared with the tests.
#include <malloc.h>

#include <cstdlib>

#include "daemon/cli.hpp"
#include "daemon/process_hardening.hpp"

int main(int argc, char** argv) {
  ngsync::daemon::forbid_core_dumps();
  // libpq's default gssencmode=prefer makes every connection first try GSSAPI encryption, which
  // initialises Kerberos (about 0.5 MiB of its code mapped, and a credential-cache lookup per
  // connect) even where nobody uses it. Off unless the environment says otherwise; a URL's own
  // `gssencmode=` still wins. Set here, before any thread exists, because setenv is not
  // thread-safe.
  ::setenv("PGGSSENCMODE", "disable", /*overwrite=*/0);
  // glibc's defaults hand freed memory back to the kernel as soon as 128 KiB sit free at a
  // heap's top, and serve every block of 128 KiB or more (a query page's body) from a fresh
  // mmap. Under load that is a steady stream of brk/mprotect/mmap calls and page faults, and
  // each large request also consolidates the small free lists. Keep the memory instead: the
  // daemon's idle loop returns it with malloc_trim every 10 s (daemon/daemon_runtime.cpp), and
  // sync-once exits anyway.
  ::mallopt(M_MMAP_THRESHOLD, 8 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 32 << 20);
  ::mallopt(M_TOP_PAD, 1 << 20);
  return ngsync::daemon::run_cli(argc, argv);
}
