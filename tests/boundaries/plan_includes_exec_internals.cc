// Must not build: another module's private headers are out of reach.
#include "exec/state.h"
