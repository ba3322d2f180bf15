#include <gtest/gtest.h>

#include "exec/state.h"
#include "pgphase/conninfo.h"
#include "pgphase/exec.h"

namespace pgphase {
namespace {

TEST(RedactConninfoTest, PasswordsNeverSurvive) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"host=db user=app password=secret dbname=x", "host=db user=app password=*** dbname=x"},
      {"password='it s' host=db", "password=*** host=db"},
      {"postgres://u:secret@h:5432/db", "postgres://u:***@h:5432/db"},
      {"postgresql://u:s%40cret@h/db?sslmode=require", "postgresql://u:***@h/db?sslmode=require"},
      {"postgresql://h/db?password=secret&sslmode=require",
       "postgresql://h/db?password=***&sslmode=require"},
      {"postgresql://u@h/db", "postgresql://u@h/db"},
      {"", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(RedactConninfo(c.in), c.out) << c.in;
    EXPECT_EQ(RedactConninfo(c.in).find("secret"), std::string::npos) << c.in;
  }
}

TEST(TextArrayTest, LiteralRoundTripsAwkwardValues) {
  const std::vector<std::string> values = {"plain",        "with space", "quote\"d", "back\\slash",
                                           "comma,brace}", "NULL",       ""};
  EXPECT_EQ(exec::ParseTextArray(exec::TextArrayLiteral(values)), values);
  EXPECT_TRUE(exec::ParseTextArray("{}").empty());
}

}  // namespace
}  // namespace pgphase
