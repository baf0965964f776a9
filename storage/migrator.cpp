#include "storage/migrator.hpp"

#include "core/hash/sha256.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <pqxx/pqxx>

#include "core/log/logging.hpp"
#include "storage/embedded_migrations.hpp"

namespace ngsync::storage {
namespace {

// Fixed key of the session advisory lock that serialises migrators ("ngsync" in ASCII).
constexpr long long migration_lock_key = 0x6E6773796E63;

struct applied_row {
  int version;
  std::string name;
  std::string checksum;
};

std::vector<applied_row> read_applied(pqxx::transaction_base& t) {
  std::vector<applied_row> rows;
  if (t.exec("SELECT to_regclass('schema_migrations') IS NULL")[0][0].as<bool>()) return rows;
  for (const auto& r :
       t.exec("SELECT version, name, checksum FROM schema_migrations ORDER BY version")) {
    rows.push_back({r[0].as<int>(), r[1].as<std::string>(), r[2].as<std::string>()});
  }
  return rows;
}

void check_set(const std::vector<migration>& migrations) {
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      throw migration_error("migrations out of order or with a duplicate version: " +
                            migrations[i - 1].name + ", " + migrations[i].name);
    }
  }
}

// Throws on drift; returns what is still to apply.
std::vector<migration> compare(const std::vector<applied_row>& applied,
                               const std::vector<migration>& migrations) {
  check_set(migrations);
  std::map<int, const migration*> known;
  for (const auto& m : migrations) known[m.version] = &m;
  std::map<int, const applied_row*> done;
  for (const auto& a : applied) {
    auto it = known.find(a.version);
    if (it == known.end()) {
      throw migration_error("migration " + a.name +
                            " is applied in the database but missing from this binary "
                            "(is the binary older than the database?)");
    }
    const migration& m = *it->second;
    if (m.checksum != a.checksum) {
      throw migration_error("migration file " + m.name + ".sql changed after it was applied " +
                            "(recorded sha256 " + a.checksum + ", file sha256 " + m.checksum +
                            "); add a new migration instead of editing an applied one");
    }
    if (m.name != a.name) {
      throw migration_error("migration " + std::to_string(a.version) + " is recorded as " + a.name +
                            " but the file is " + m.name + ".sql");
    }
    done[a.version] = &a;
  }
  std::vector<migration> pending;
  for (const auto& m : migrations) {
    if (!done.count(m.version)) pending.push_back(m);
  }
  return pending;
}

// Holds the migration advisory lock for the lifetime of the object.
class migration_lock {
 public:
  explicit migration_lock(pqxx::connection_base& c) : c_(c) {
    pqxx::nontransaction t(c_, "migration lock");
    t.exec("SELECT pg_advisory_lock(" + std::to_string(migration_lock_key) + ")");
  }
  ~migration_lock() {
    try {
      pqxx::nontransaction t(c_, "migration unlock");
      t.exec("SELECT pg_advisory_unlock(" + std::to_string(migration_lock_key) + ")");
    } catch (const std::exception&) {
      // A broken connection released the session lock already.
    }
  }

 private:
  pqxx::connection_base& c_;
};

}  // namespace

migration make_migration(const std::string& file_name, std::string sql) {
  std::string name = file_name;
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0)
    name.resize(name.size() - 4);
  std::size_t digits = 0;
  while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
  if (digits == 0 || digits >= name.size() || name[digits] != '_') {
    throw migration_error("migration file " + file_name + " is not named NNNN_name.sql");
  }
  migration m;
  m.version = std::stoi(name.substr(0, digits));
  m.name = name;
  m.checksum = hash::sha256_hex(sql);
  m.sql = std::move(sql);
  return m;
}

const std::vector<migration>& embedded_migrations() {
  static const std::vector<migration> all = [] {
    std::vector<migration> out;
    for (const auto& f : detail::embedded_migration_files()) {
      out.push_back(make_migration(std::string(f.file_name), std::string(f.sql)));
    }
    std::sort(out.begin(), out.end(),
              [](const migration& a, const migration& b) { return a.version < b.version; });
    return out;
  }();
  return all;
}

migration_report migrate(session s, const std::vector<migration>& migrations) {
  pqxx::connection_base& c = s.sql();
  auto logger = log::get("migrate");
  migration_lock lock(c);
  {
    // Created under the lock: two concurrent CREATE TABLE IF NOT EXISTS can still collide.
    pqxx::work t(c, "schema_migrations");
    t.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    t.commit();
  }
  std::vector<migration> pending;
  {
    pqxx::read_transaction t(c, "read schema_migrations");
    pending = compare(read_applied(t), migrations);
  }
  migration_report report;
  for (const auto& m : pending) {
    pqxx::work t(c, "migration");
    try {
      t.exec(m.sql);
    } catch (const pqxx::sql_error& e) {
      throw migration_error("migration " + m.name + ".sql failed: " + e.what());
    }
    t.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                  m.version, m.name, m.checksum);
    t.commit();
    logger->info("applied migration name={} version={}", m.name, m.version);
    report.applied.push_back(m.name);
  }
  {
    pqxx::read_transaction t(c, "schema version");
    report.schema_version =
        t.exec("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
  }
  return report;
}

std::vector<migration> pending_migrations(session s, const std::vector<migration>& migrations) {
  pqxx::connection_base& c = s.sql();
  pqxx::read_transaction t(c, "pending migrations");
  return compare(read_applied(t), migrations);
}

bool schema_is_current(session s, const std::vector<migration>& migrations) {
  try {
    return pending_migrations(s, migrations).empty();
  } catch (const migration_error&) {
    return false;
  }
}

}  // namespace ngsync::storage
