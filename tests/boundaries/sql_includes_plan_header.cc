// Must not build: sql is below plan.
#include "pgphase/plan.h"
