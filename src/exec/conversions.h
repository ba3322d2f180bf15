// The conversion check (plan ConversionCheck): before validate and swap, the rows a guarded
// sync fill could not compute, as recorded in pgphase.sync_errors, are evaluated again; the
// ones that convert now (the application wrote them again, or deleted them) are forgotten,
// and the step refuses (exit 2, naming them) while any still fails.
#pragma once

#include "exec/runner.h"
#include "pgphase/plan.h"

namespace pgphase::exec {

Status RunConversionCheck(RunContext& ctx, const Step& step);

}  // namespace pgphase::exec
