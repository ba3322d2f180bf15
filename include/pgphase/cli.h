// The command line: `pgphase <command> [args]`. main() only calls RunCli.
#pragma once

namespace pgphase {

// Parses argv, runs the command, prints errors to stderr; returns the exit code.
int RunCli(int argc, char** argv);

}  // namespace pgphase
