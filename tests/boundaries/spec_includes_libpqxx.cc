// Must not build: only the spec module reads YAML, and spec never talks to PostgreSQL.
#include <pqxx/connection>
