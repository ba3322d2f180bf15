#include "pgphase/cli.h"

int main(int argc, char** argv) { return pgphase::RunCli(argc, argv); }
