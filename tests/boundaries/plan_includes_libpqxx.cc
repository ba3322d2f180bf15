// Must not build: the planner never touches a connection.
#include <pqxx/pqxx>
