// Must not build: plan does not depend on exec.
#include "pgphase/exec.h"
