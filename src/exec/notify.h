// --notify CMD: a command run after each phase finishes, fails or is reversed, so a
// pipeline or a chat can hear of it.
#pragma once

#include <string>
#include <string_view>

#include "exec/runner.h"

namespace pgphase::exec {

// Runs ctx.notify (when set) with /bin/sh -c, PGPHASE_MIGRATION, PGPHASE_PHASE,
// PGPHASE_STATUS and PGPHASE_DB (the connection string, password masked) added to the
// environment, and waits for it. Its output goes to ctx.out, line by line. A hook that
// fails is said on ctx.out and recorded (event notify_failed); it never fails the phase.
void Notify(RunContext& ctx, Phase phase, std::string_view status);

}  // namespace pgphase::exec
