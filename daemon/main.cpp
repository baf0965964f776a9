// The ngsync executable: everything but this file lives in libraries shared with the tests.
#include "daemon/cli.hpp"

int main(int argc, char** argv) {
  return ngsync::daemon::run_cli(argc, argv);
}
