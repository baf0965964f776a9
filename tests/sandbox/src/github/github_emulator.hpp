#pragma once
// The GitHub REST API emulator of the sandbox: issues, comments, draft pull requests, search,
// personal and GitHub App authentication, primary and secondary rate limits, and webhooks.
#include <memory>

#include "tests/sandbox/src/emulator.hpp"

namespace ngsync::sandbox {

// Creates the emulator registered under the name "github".
std::unique_ptr<emulator> make_github_emulator(sandbox_services services);

}  // namespace ngsync::sandbox
