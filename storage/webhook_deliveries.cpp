#include "storage/webhook_deliveries.hpp"

namespace ngsync::storage {

bool webhook_deliveries::first_delivery(pqxx::transaction_base& t, const std::string& source,
                                        const std::string& hook_id, const std::string& delivery_id,
                                        const std::string& event, const std::string& action) {
  auto r = t.exec_params(
      "INSERT INTO webhook_deliveries (source, hook_id, delivery_id, event, action)"
      " VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, '')) ON CONFLICT DO NOTHING",
      source, hook_id, delivery_id, event, action);
  return r.affected_rows() == 1;
}

std::int64_t webhook_deliveries::prune(pqxx::transaction_base& t, std::chrono::seconds older_than) {
  return t
      .exec_params(
          "DELETE FROM webhook_deliveries WHERE received_at < now() - $1 * interval '1 second'",
          static_cast<std::int64_t>(older_than.count()))
      .affected_rows();
}

void webhook_deliveries::save_notion_verification_token(pqxx::transaction_base& t,
                                                        const std::string& token) {
  t.exec_params(
      "INSERT INTO notion_verification (id, token) VALUES (true, $1)"
      " ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, received_at = now()",
      token);
}

std::optional<std::string> webhook_deliveries::notion_verification_token(
    pqxx::transaction_base& t) {
  auto r = t.exec("SELECT token FROM notion_verification");
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

}  // namespace ngsync::storage
