// Where GraphQL and the web live for a given REST base URL: github.com, GitHub Enterprise Server
// (REST under /api/v3, GraphQL at /api/graphql) and any other base (the sandbox on loopback).
#include <doctest/doctest.h>

#include "core/github/api_urls.hpp"

using ngsync::github::graphql_url;
using ngsync::github::web_host;

TEST_CASE("graphql_url: github.com, GitHub Enterprise Server and other bases") {
  CHECK(graphql_url("https://api.github.com") == "https://api.github.com/graphql");
  CHECK(graphql_url("https://api.github.com/") == "https://api.github.com/graphql");
  CHECK(graphql_url("https://ghe.example.com/api/v3") == "https://ghe.example.com/api/graphql");
  CHECK(graphql_url("https://ghe.example.com/api/v3/") == "https://ghe.example.com/api/graphql");
  CHECK(graphql_url("https://GHE.example.com/API/V3") == "https://GHE.example.com/api/graphql");
  CHECK(graphql_url("https://127.0.0.1:8443/api/v3") == "https://127.0.0.1:8443/api/graphql");
  CHECK(graphql_url("https://127.0.0.1:8443") == "https://127.0.0.1:8443/graphql");
  // A path that merely contains api/v3 elsewhere is not the GHES layout.
  CHECK(graphql_url("https://proxy.example.com/api/v3/x") ==
        "https://proxy.example.com/api/v3/x/graphql");
}

TEST_CASE("web_host: the host whose pasted repository URLs name repositories") {
  CHECK(web_host("https://api.github.com") == "github.com");
  CHECK(web_host("https://ghe.example.com/api/v3") == "ghe.example.com");
  CHECK(web_host("https://GHE.Example.com/api/v3/") == "ghe.example.com");
  CHECK(web_host("https://127.0.0.1:8443/api/v3") == "127.0.0.1:8443");
  // The sandbox without a prefix renders github.com web URLs, as github.com does.
  CHECK(web_host("https://127.0.0.1:8443") == "github.com");
}
