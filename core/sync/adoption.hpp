#pragma once
// Who may be adopted. An issue (or comment) found on GitHub carrying a page's hidden marker is
// taken as the daemon's own only when the daemon wrote it: in a public repository anyone can
// open an issue with `<!-- Notion-Page-ID: … -->` in its body before the daemon does.
#include <optional>
#include <string>
#include <string_view>

namespace ngsync::sync {

// True when `author_login` is the daemon's own GitHub identity (the token's user, or the App's
// "<slug>[bot]"). Logins compare without case, as GitHub treats them. An unknown identity
// (empty) matches nobody: nothing is adopted on trust.
bool written_by_daemon(std::string_view author_login, std::string_view own_login);

// An issue met while looking for a page's marker (after a create whose outcome is unknown, or a
// lost database): not this page's, a copy of its marker someone else opened, or the daemon's own.
enum class marked_issue { other_page, copy, own };
marked_issue judge_marked_issue(std::string_view body, std::string_view author_login,
                                std::string_view page_id, std::string_view own_login);

// The page an issue names by its marker, in the link table's dashed form, when the daemon opened
// it (the recovery scan of a database that lost its links); none for another author's issue or
// one without a well-formed marker.
std::optional<std::string> page_of_own_issue(std::string_view body, std::string_view author_login,
                                             std::string_view own_login);

}  // namespace ngsync::sync
