#include "daemon/cli.hpp"

#include <iostream>

namespace ngsync::daemon {
int run_cli(int, char**) {
  std::cerr << "ngsync: not implemented yet\n";
  return 1;
}
}  // namespace ngsync::daemon
