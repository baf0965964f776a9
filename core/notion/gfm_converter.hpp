#pragma once
// Notion-flavored Markdown (the `markdown` text of GET /v1/pages/{id}/markdown) -> GitHub-flavored
// Markdown for an issue body. Pure: no I/O. What it needs from outside (GitHub logins, people's
// names, subtrees Notion left out) comes in through gfm_options, and what it could not resolve
// goes back out in gfm_conversion so the caller can fetch it and convert again.
//
// Nothing of Notion's syntax reaches the output: attribute lists ({color="…"}), ::: fences,
// Notion's tags and tab indentation are all rewritten. Anything that cannot be shown becomes a
// visible line with a link to the page, never a silent drop. Notion-hosted file URLs are signed
// and expire after about an hour; they are linked through the page instead, so converting the same
// page twice with fresh signatures gives the identical body.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ngsync::notion {

// Which dialect the text is in. v1 ("enhanced markdown") puts one block per line and indents
// children with tabs; v2 separates blocks with a blank line, uses tag forms (<toggle>, <quote>,
// <p>, <callout>) for blocks with children and tabs only inside lists. The converter accepts the
// constructs of both; the version only decides whether consecutive text lines are one paragraph.
enum class markdown_version { v1, v2 };

// The version ngsync asks for (query parameter markdown_version): v1 is deprecated and the next
// Notion-Version rejects it, so the format is pinned rather than left to Notion's default.
inline constexpr std::string_view pinned_markdown_version = "v2";

struct gfm_options {
  markdown_version version = markdown_version::v2;
  // The Notion page's URL: hosted files and blocks not shown here are linked to it.
  std::string page_url;
  // A user's GitHub login (the mapping's `users` map), by Notion user id.
  std::function<std::optional<std::string>(std::string_view user_id)> github_login;
  // A user's name (the caller's cache of GET /v1/users/{id}), by Notion user id.
  std::function<std::optional<std::string>(std::string_view user_id)> person_name;
  // A page's or database's title (the caller's cache), by normalized id, for a mention that
  // carries only the URL (<mention-page url="…"/>).
  std::function<std::optional<std::string>(std::string_view page_id)> page_title;
  // Subtrees fetched for ids in unknown_block_ids (Markdown of the same version), keyed by
  // normalized_block_id(). An <unknown> tag whose id is here is replaced by that content.
  const std::map<std::string, std::string>* followed_blocks = nullptr;
};

struct gfm_conversion {
  std::string markdown;
  // Mentioned users with neither a login nor a name: fetch them and convert again.
  std::vector<std::string> unresolved_user_ids;
  // Mentioned pages and databases shown without their title (normalized ids): fetch, convert again.
  std::vector<std::string> unresolved_page_ids;
  // Ids of <unknown> blocks left as a visible "not shown here" line (normalized).
  std::vector<std::string> unshown_block_ids;
  // Followed subtrees that were placed where their <unknown> tag stood (normalized ids).
  std::vector<std::string> placed_block_ids;
};

gfm_conversion to_github_markdown(std::string_view notion_markdown, const gfm_options& options);

// A block id without dashes, lower case: how ids in unknown_block_ids and in <unknown url="…#id">
// are compared.
std::string normalized_block_id(std::string_view id);

// True for a URL of a file Notion hosts (signed, expiring): such a URL must not reach GitHub.
bool is_notion_hosted_file(std::string_view url);

}  // namespace ngsync::notion
