#include "exec/replica.h"

namespace pgphase::exec {
namespace {

constexpr const char* kReplicationSql = R"(
SELECT pid::text,
       coalesce(nullif(application_name, ''), client_addr::text, 'standby ' || pid),
       coalesce(replay_lsn::text, ''),
       coalesce(extract(epoch FROM replay_lag), 0)::float8,
       coalesce(pg_current_wal_lsn() > replay_lsn, true)
  FROM pg_catalog.pg_stat_replication
 WHERE state = 'streaming' OR state = 'catchup'
)";

}  // namespace

std::optional<ReplicaLag> ReplicaLagMonitor::Worst(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  const auto now = Clock::now();
  std::optional<ReplicaLag> worst;
  std::map<std::string, Seen> seen;
  for (const auto& row : tx.exec(kReplicationSql)) {
    const std::string pid = row[0].c_str();
    const std::string lsn = row[2].c_str();
    const bool behind = row[4].as<bool>();
    Seen s{lsn, now};
    auto it = seen_.find(pid);
    if (behind && it != seen_.end() && it->second.replay_lsn == lsn) s = it->second;
    seen[pid] = s;
    const double stuck = behind ? std::chrono::duration<double>(now - s.stuck_since).count() : 0;
    const double lag = std::max(row[3].as<double>(), stuck);
    if (!worst || lag > worst->seconds) worst = ReplicaLag{row[1].c_str(), lag};
  }
  seen_ = std::move(seen);
  return worst;
}

}  // namespace pgphase::exec
