// Where a libpq connection string carries a password, in one place: for redacting it from
// what pgphase prints, and for refusing it where passwords must not be written down.
#pragma once

#include <string>

namespace pgphase {

// "host=db user=app password=secret" -> "host=db user=app password=***";
// "postgres://u:secret@h/db" -> "postgres://u:***@h/db".
std::string RedactConninfo(const std::string& conninfo);

// True when `conninfo` carries a password: a key=value `password=`, a URL's
// `user:password@` or its `password=` parameter (what RedactConninfo hides).
bool ConninfoHasPassword(const std::string& conninfo);

}  // namespace pgphase
