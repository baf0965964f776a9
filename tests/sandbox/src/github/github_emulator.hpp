#pragma once
// The GitHub REST API emulator of the sandbox: issues, comments, draft pull requests, search,
// personal and GitHub App authentication, primary and secondary rate limits, and webhooks.
#include <memory>
#include <string>

#include "tests/sandbox/src/emulator.hpp"

namespace ngsync::sandbox {

// Creates the emulator registered under the name "github". With a `rest_prefix` such as "/api/v3"
// it is laid out like GitHub Enterprise Server: REST at PREFIX/..., GraphQL at /api/graphql (the
// prefix's parent + /graphql), API URLs https://HOST/api/v3/..., web URLs https://HOST/owner/repo.
std::unique_ptr<emulator> make_github_emulator(sandbox_services services,
                                               std::string rest_prefix = {});

}  // namespace ngsync::sandbox
