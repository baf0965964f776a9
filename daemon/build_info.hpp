#pragma once

// What `ngsync version` prints: filled in by a file generated at build time
// (daemon/build_info.cmake), so only that file changes from one commit to the next.
namespace ngsync::daemon {

const char* build_version();
const char* build_git_revision();  // short commit, "-dirty" if built with local changes
const char* build_type();          // CMAKE_BUILD_TYPE, e.g. RelWithDebInfo

}  // namespace ngsync::daemon
