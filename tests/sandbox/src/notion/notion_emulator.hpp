#pragma once
// The Notion API emulator of the sandbox (Notion-Version 2025-09-03 and 2026-03-11 shapes):
// databases, data sources and their queries, pages and property items, block children and
// Markdown, users, comments, the request rate limit, and signed webhooks.
#include <memory>

#include "tests/sandbox/src/emulator.hpp"

namespace ngsync::sandbox {

// Creates the emulator registered under the name "notion".
std::unique_ptr<emulator> make_notion_emulator(sandbox_services services);

}  // namespace ngsync::sandbox
