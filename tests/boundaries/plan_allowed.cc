// Builds: what the plan module may include.
#include "pgphase/ddl.h"
#include "pgphase/plan.h"
#include "plan/builder.h"
