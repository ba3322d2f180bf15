// Replica lag as seen from the primary, for the backfill's --max-replica-lag throttle.
//
// pg_stat_replication.replay_lag only moves when the standby replays something, so a
// standby whose replay stopped (paused, or stuck behind a conflict) keeps showing an old,
// small lag. The monitor therefore also tracks, per standby, since when its replay
// position has stood still while the primary's WAL was ahead of it, and reports the
// larger of the two.
#pragma once

#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "exec/runner.h"

namespace pgphase::exec {

struct ReplicaLag {
  std::string standby;  // application_name (or client address)
  double seconds = 0;
};

class ReplicaLagMonitor {
 public:
  // The most lagging standby, or nullopt when there is none.
  std::optional<ReplicaLag> Worst(pqxx::connection& conn);

 private:
  struct Seen {
    std::string replay_lsn;
    Clock::time_point stuck_since;
  };
  std::map<std::string, Seen> seen_;  // by pid
};

}  // namespace pgphase::exec
