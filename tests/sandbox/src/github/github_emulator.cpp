// The GitHub emulator's request pipeline: headers, authentication, rate limits, ETags, routing.
#include <algorithm>
#include <string_view>

#include <boost/url.hpp>

#include "tests/sandbox/src/github/github_crypto.hpp"
#include "tests/sandbox/src/github/github_emulator.hpp"
#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"

namespace ngsync::sandbox {

std::unique_ptr<emulator> make_github_emulator(sandbox_services services, std::string rest_prefix) {
  return std::make_unique<github::github_emulator>(std::move(services), std::move(rest_prefix));
}

}  // namespace ngsync::sandbox

namespace ngsync::sandbox::github {

namespace {

bool is_number(const std::string& s) {
  return !s.empty() && s.size() < 19 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The endpoint template a request counts under, e.g. "PATCH /repos/{o}/{r}/issues/{n}";
// /repositories/{id}/... counts as the same operation as /repos/{o}/{r}/...
std::string endpoint_template(const std::string& method, const std::vector<std::string>& seg) {
  std::string path;
  std::size_t i = 0;
  if (seg.size() >= 3 && seg[0] == "repos") {
    path = "/repos/{o}/{r}";
    i = 3;
  } else if (seg.size() >= 2 && seg[0] == "repositories") {
    path = "/repos/{o}/{r}";
    i = 2;
  } else if (seg.size() == 4 && seg[0] == "app" && seg[1] == "installations") {
    return method + " /app/installations/{id}/access_tokens";
  }
  for (; i < seg.size(); ++i) {
    const std::string& prev = i > 0 ? seg[i - 1] : std::string();
    std::string part = seg[i];
    // Git references are paths of their own (heads/ngsync/abc): one template for all of them.
    if (i >= 1 && seg[i - 1] == "git" && (part == "ref" || part == "refs") && i + 1 < seg.size())
      return method + " " + path + "/" + part + "/{ref}";
    if (prev == "commits" && i >= 2 && seg[i - 2] == "git") part = "{sha}";
    if (prev == "comments" && is_number(part))
      part = "{comment_id}";
    else if ((prev == "issues" || prev == "pulls") && is_number(part))
      part = "{n}";
    else if (prev == "labels" && path.find("/repos/") == 0)
      part = "{name}";
    path += "/" + part;
  }
  return method + " " + (path.empty() ? "/" : path);
}

}  // namespace

github_emulator::github_emulator(sandbox_services services, std::string rest_prefix)
    : services_(std::move(services)), rest_prefix_(std::move(rest_prefix)) {
  while (!rest_prefix_.empty() && rest_prefix_.back() == '/') rest_prefix_.pop_back();
  std::string_view rest = rest_prefix_;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    if (slash != 0) prefix_segments_.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  load(json::object());
}

// GitHub Enterprise Server's layout: REST under the prefix, GraphQL beside it at /api/graphql
// (the prefix's parent + "graphql"). Leaves the segments as github.com's layout would have them;
// false for a path outside both, and for PREFIX/graphql, which GHES does not serve.
bool github_emulator::strip_rest_prefix(std::vector<std::string>& seg) const {
  std::vector<std::string> graphql(prefix_segments_.begin(), prefix_segments_.end() - 1);
  graphql.push_back("graphql");
  if (seg == graphql) {
    seg = {"graphql"};
    return true;
  }
  if (seg.size() < prefix_segments_.size() ||
      !std::equal(prefix_segments_.begin(), prefix_segments_.end(), seg.begin()))
    return false;
  seg.erase(seg.begin(), seg.begin() + static_cast<std::ptrdiff_t>(prefix_segments_.size()));
  return !(seg.size() == 1 && seg[0] == "graphql");
}

time_point github_emulator::now() const {
  const auto t = services_.clock ? services_.clock->now() : std::chrono::system_clock::now();
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

int github_emulator::scaled(int budget) const {
  const double speed = services_.limit_speed ? services_.limit_speed() : 1.0;
  return std::max(1, static_cast<int>(budget * speed));
}

boost::asio::awaitable<api_response> github_emulator::handle(api_request req) {
  co_return answer(req);
}

// The route's answer charged to the caller's primary budget (core, or search for /search):
// writes always, and secondary limits on creating content first; reads unless a conditional
// request hits.
api_response github_emulator::primary_metered(api_call& call, time_point t) {
  const api_request& req = *call.req;
  const bool search = !call.segments.empty() && call.segments[0] == "search";
  const std::string resource = search ? "search" : "core";
  const int budget = scaled(search ? limits_.search_per_minute : limits_.primary_per_hour);
  const std::chrono::seconds window = search ? std::chrono::minutes(1) : std::chrono::hours(1);
  const bool read = call.method == "GET" || call.method == "HEAD";

  if (!read) {
    const primary_status status =
        rate_.take_primary(call.who.rate_key, resource, budget, window, t);
    if (status.exhausted) return limit_refusal(call, status);
    if (is_content_creation(call)) {
      if (auto wait =
              rate_.take_content_creation(call.who.rate_key, scaled(limits_.content_per_minute),
                                          scaled(limits_.content_per_hour), t)) {
        services_.record_violation("github", call.endpoint,
                                   "secondary rate limit: content creation");
        rate_.set_retry_after(call.who.rate_key, t + std::chrono::seconds(*wait));
        api_response res = secondary_refusal(call, *wait);
        add_rate_headers(res, status);
        return res;
      }
    }
    api_response res = route(call);
    add_rate_headers(res, status);
    return res;
  }

  api_response res = route(call);
  if (res.result() == http::status::ok) {
    const std::string etag = "W/\"" + sha256_hex(res.body()) + "\"";
    res.set(http::field::etag, etag);
    auto inm = req.find(http::field::if_none_match);
    if (inm != req.end()) {
      std::string wanted(inm->value());
      auto strip = [](std::string s) { return s.rfind("W/", 0) == 0 ? s.substr(2) : s; };
      if (strip(wanted) == strip(etag)) {
        // Conditional requests that hit do not use the primary budget.
        const primary_status status =
            rate_.take_primary(call.who.rate_key, resource, budget, window, t, false);
        api_response not_modified{http::status::not_modified, 11};
        not_modified.set(http::field::etag, etag);
        add_rate_headers(not_modified, status);
        return not_modified;
      }
    }
  }
  const primary_status status = rate_.take_primary(call.who.rate_key, resource, budget, window, t);
  if (status.exhausted) return limit_refusal(call, status);
  add_rate_headers(res, status);
  return res;
}

api_response github_emulator::answer(api_request& req) {
  // Kept for the concurrency limit; the count only grows if answering ever suspends.
  ++in_flight_;
  struct in_flight_guard {
    int& n;
    ~in_flight_guard() { --n; }
  } guard{in_flight_};

  api_call call;
  call.req = &req;
  call.method = std::string(req.method_string());
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target) return github_error(http::status::bad_request, "Bad Request");
  for (auto seg : target->segments())
    if (!seg.empty()) call.segments.push_back(seg);
  for (auto p : target->params()) call.query[p.key] = p.has_value ? p.value : std::string();
  const bool routed = prefix_segments_.empty() || strip_rest_prefix(call.segments);
  call.endpoint = endpoint_template(call.method, call.segments);
  ++call_counts_[call.endpoint];

  if (auto host = req.find(http::field::host); host != req.end()) {
    const std::string origin = "https://" + std::string(host->value());
    if (!api_base_fixed_) api_base_ = origin + rest_prefix_;
    if (!web_base_fixed_ && !prefix_segments_.empty()) web_base_ = origin;
  }
  if (!routed) return github_error(http::status::not_found, "Not Found", docs_rest);
  if (req.find(http::field::user_agent) == req.end()) {
    // GitHub answers this one with a plain-text page, before looking at anything else.
    api_response res{http::status::forbidden, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() =
        "Request forbidden by administrative rules. Please make sure your request has a "
        "User-Agent header (https://docs.github.com/en/rest/overview/"
        "resources-in-the-rest-api#user-agent-required). Check https://developer.github.com "
        "for other possible causes.\n";
    res.prepare_payload();
    return res;
  }
  call.ctx = base_context();
  if (auto v = req.find("X-GitHub-Api-Version"); v != req.end()) {
    const std::string version(v->value());
    if (version != "2022-11-28" && version != api_version_2026)
      return github_error(http::status::bad_request,
                          "API version " + version + " is not supported.",
                          "https://docs.github.com/rest/overview/api-versions");
    call.ctx.api_version = version;
  }
  if (auto refused = authenticate(call)) return std::move(*refused);

  if (call.segments.size() == 1 && call.segments[0] == "rate_limit") return rate_limit_route(call);

  const time_point t = now();
  if (auto until = rate_.retry_after(call.who.rate_key, t)) {
    services_.record_violation("github", call.endpoint, "request before retry-after passed");
    return secondary_refusal(call, std::chrono::ceil<std::chrono::seconds>(*until - t).count());
  }
  if (in_flight_ > scaled(limits_.concurrent)) {
    services_.record_violation("github", call.endpoint, "too many concurrent requests");
    return secondary_refusal(call, 60);
  }

  // GraphQL keeps its own points budget (github_graphql.cpp).
  if (call.segments.size() == 1 && call.segments[0] == "graphql") return graphql_route(call);

  return primary_metered(call, t);
}

std::optional<api_response> github_emulator::authenticate(api_call& call) {
  auto header = call.req->find(http::field::authorization);
  if (header == call.req->end())
    return github_error(http::status::unauthorized, "Requires authentication",
                        "https://docs.github.com/rest");
  std::string value(header->value());
  const auto space = value.find(' ');
  std::string scheme = value.substr(0, space);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string token = space == std::string::npos ? "" : value.substr(space + 1);
  const auto bad_credentials = [] {
    return github_error(http::status::unauthorized, "Bad credentials",
                        "https://docs.github.com/rest");
  };
  if ((scheme != "bearer" && scheme != "token") || token.empty()) return bad_credentials();

  const bool app_endpoint = (!call.segments.empty() && call.segments[0] == "app") ||
                            (call.segments.size() == 4 && call.segments[0] == "repos" &&
                             call.segments[3] == "installation") ||
                            (call.segments.size() == 3 && call.segments[0] == "repositories" &&
                             call.segments[2] == "installation");

  if (auto pat = tokens_.find(token); pat != tokens_.end()) {
    const gh_user u = user(pat->second);
    call.who = caller{caller::kind::user, u.login, 0, "user:" + u.login,
                      "user ID " + std::to_string(u.id)};
  } else if (auto issued = issued_tokens_.find(token); issued != issued_tokens_.end()) {
    if (issued->second.expires_at <= now()) return bad_credentials();
    const auto id = issued->second.installation_id;
    call.who =
        caller{caller::kind::installation, bot_login(), id, "installation:" + std::to_string(id),
               "installation ID " + std::to_string(id)};
  } else if (app_ && looks_like_jwt(token)) {
    const jwt_verdict verdict = verify_app_jwt(token, *app_, now());
    if (!verdict.ok) return github_error(http::status::unauthorized, verdict.message, docs_rest);
    call.who = caller{caller::kind::app, app_->slug, 0, "app:" + std::to_string(app_->id),
                      "app ID " + std::to_string(app_->id)};
  } else {
    return bad_credentials();
  }

  if (app_endpoint && call.who.what != caller::kind::app)
    return github_error(http::status::unauthorized, "A JSON web token could not be decoded",
                        docs_rest);
  if (!app_endpoint && call.who.what == caller::kind::app)
    return github_error(http::status::forbidden, "Resource not accessible by integration",
                        docs_rest);
  return std::nullopt;
}

api_response github_emulator::route(api_call& call) {
  const auto& seg = call.segments;
  if (seg.size() == 4 && seg[0] == "app" && seg[1] == "installations" &&
      seg[3] == "access_tokens" && call.method == "POST" && is_number(seg[2]))
    return access_token_route(call, std::stoll(seg[2]));
  if (seg.size() == 1 && seg[0] == "app" && call.method == "GET" && app_)
    return json_response(http::status::ok, render_app(*app_, call.ctx));
  if (seg.size() == 2 && seg[0] == "search" && seg[1] == "issues" && call.method == "GET")
    return search_issues_route(call);
  if (seg.size() == 1 && seg[0] == "user" && call.method == "GET") {
    // The token's own user. An installation token has no user: GitHub refuses it like this.
    if (call.who.what != caller::kind::user)
      return github_error(http::status::forbidden, "Resource not accessible by integration",
                          "https://docs.github.com/rest/users/users#get-the-authenticated-user");
    return json_response(http::status::ok, render_user(user(call.who.login), call.ctx));
  }
  if (seg.size() >= 3 && seg[0] == "repos") {
    const std::string full = seg[1] + "/" + seg[2];
    call.rest.assign(seg.begin() + 3, seg.end());
    call.repo = find_repo(full);
    if (!call.repo) {
      if (gh_repo* moved = find_repo_by_old_name(full)) {
        // A renamed repository answers its old name with a redirect to its id-based URL.
        boost::urls::url location(api_base_ + "/repositories/" + std::to_string(moved->id));
        std::string path(location.encoded_path());
        for (const auto& part : call.rest) path += "/" + part;
        location.set_path(path);
        auto target = boost::urls::parse_origin_form(call.req->target());
        if (target && target->has_query()) location.set_encoded_query(target->encoded_query());
        const bool get = call.method == "GET" || call.method == "HEAD";
        api_response res =
            json_response(get ? http::status::moved_permanently : http::status::temporary_redirect,
                          json::object{{"message", "Moved Permanently"},
                                       {"url", std::string(location.buffer())},
                                       {"documentation_url",
                                        "https://docs.github.com/rest/guides/"
                                        "best-practices-for-using-the-rest-api#follow-redirects"}});
        res.set(http::field::location, location.buffer());
        return res;
      }
    }
  } else if (seg.size() >= 2 && seg[0] == "repositories" && is_number(seg[1])) {
    call.rest.assign(seg.begin() + 2, seg.end());
    call.repo = find_repo_by_id(std::stoll(seg[1]));
  } else {
    return github_error(http::status::not_found, "Not Found", docs_rest);
  }
  if (!call.repo) return github_error(http::status::not_found, "Not Found", docs_rest);
  if (call.who.what == caller::kind::installation) {
    const gh_installation* inst = nullptr;
    for (const auto& i : installations_)
      if (i.id == call.who.installation_id) inst = &i;
    if (!inst || !installation_covers(*inst, *call.repo))
      return github_error(http::status::not_found, "Not Found", docs_rest);
  }
  return repo_route(call);
}

bool github_emulator::is_content_creation(const api_call& call) const {
  return call.method == "POST" && (call.endpoint == "POST /repos/{o}/{r}/issues" ||
                                   call.endpoint == "POST /repos/{o}/{r}/issues/{n}/comments" ||
                                   call.endpoint == "POST /repos/{o}/{r}/pulls");
}

void github_emulator::add_rate_headers(api_response& res, const primary_status& status) const {
  res.set("x-ratelimit-limit", std::to_string(status.limit));
  res.set("x-ratelimit-remaining", std::to_string(status.remaining()));
  res.set("x-ratelimit-used", std::to_string(status.used));
  res.set("x-ratelimit-reset", std::to_string(status.reset_epoch));
  res.set("x-ratelimit-resource", status.resource);
}

api_response github_emulator::limit_refusal(api_call& call, const primary_status& status) {
  services_.record_violation("github", call.endpoint,
                             "primary rate limit exhausted (" + status.resource + ")");
  api_response res = github_error(
      http::status::forbidden,
      "API rate limit exceeded for " + call.who.rate_subject +
          ". If you reach out to GitHub Support for help, please include the request ID "
          "0000:0000:0000000:0000000:00000000.",
      docs_rate_limits);
  add_rate_headers(res, status);
  return res;
}

api_response github_emulator::secondary_refusal(api_call&, std::int64_t retry_after_seconds) {
  api_response res = github_error(
      http::status::forbidden,
      "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
      "If you reach out to GitHub Support for help, please include the request ID "
      "0000:0000:0000000:0000000:00000000.",
      docs_secondary_limits);
  res.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(1, retry_after_seconds)));
  return res;
}

}  // namespace ngsync::sandbox::github
