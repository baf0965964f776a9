#pragma once
// What follows a linked issue besides its own fields (issue #8): its Project item and the field
// values last set there, its milestone, the status snapshot comment, and which Notion comments
// were mirrored. Columns of page_links plus the mirrored_comments table (migration 0003).
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include <boost/json.hpp>

#include "storage/transaction.hpp"

namespace ngsync::storage {

struct issue_extras {
  std::optional<std::string> project_item_id;
  boost::json::object project_fields_written;  // project field name -> value text (null: cleared)
  std::optional<std::string> milestone_title;
  std::optional<std::int64_t> snapshot_comment_id;
  std::optional<std::string> snapshot_hash;
};

class issue_extras_store {
 public:
  static issue_extras get(transaction t, const std::string& page_id);
  // Empty item id forgets the item (removed from the board).
  static void set_project_item(transaction t, const std::string& page_id,
                               const std::string& item_id);
  static void set_project_fields(transaction t, const std::string& page_id,
                                 const boost::json::object& fields);
  static void set_milestone(transaction t, const std::string& page_id,
                            const std::string& title);
  static void set_snapshot(transaction t, const std::string& page_id,
                           std::int64_t comment_id, const std::string& hash);

  static std::set<std::string> mirrored_comment_ids(transaction t,
                                                    const std::string& page_id);
  static void record_mirrored_comment(transaction t, const std::string& page_id,
                                      const std::string& notion_comment_id,
                                      std::int64_t github_comment_id);
};

}  // namespace ngsync::storage
