#pragma once
// Where a GitHub installation serves what, derived from the configured REST base URL
// (`github.base_url`). github.com and GitHub Enterprise Server lay their URLs out differently:
//
//   REST base                    GraphQL endpoint                  web host (pasted URLs)
//   https://api.github.com       https://api.github.com/graphql    github.com
//   https://HOST/api/v3 (GHES)   https://HOST/api/graphql          HOST
//   anything else                BASE/graphql                      github.com
//
// "Anything else" is the sandbox on loopback (or a proxy) that serves GraphQL beside REST.
#include <string>
#include <string_view>

namespace ngsync::github {

// The absolute URL of the GraphQL endpoint for `rest_base_url` (trailing slashes ignored).
std::string graphql_url(std::string_view rest_base_url);

// The host (with its port when the base URL names one, lower-cased) whose web URLs name
// repositories: what a person pastes, e.g. https://HOST/owner/repo.
std::string web_host(std::string_view rest_base_url);

}  // namespace ngsync::github
