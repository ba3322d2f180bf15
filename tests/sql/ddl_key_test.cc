#include "pgphase/ddl_key.h"

#include <gtest/gtest.h>

namespace pgphase::ddl {
namespace {

TEST(IntegerRangeTest, IntegerTypesUnderAnySpellingOthersNot) {
  EXPECT_EQ(IntegerRange("int2"), (std::pair<int64_t, int64_t>{-32768, 32767}));
  EXPECT_EQ(IntegerRange("INTEGER"), (std::pair<int64_t, int64_t>{-2147483648LL, 2147483647LL}));
  EXPECT_EQ(IntegerRange("int4"), IntegerRange("integer"));
  EXPECT_EQ(IntegerRange("int8")->second, 9223372036854775807LL);
  EXPECT_FALSE(IntegerRange("numeric(20)"));
  EXPECT_FALSE(IntegerRange("text"));
}

TEST(RefuseValuesOutsideTest, NamesRowsByKeyAndRaisesTheRefusedState) {
  const Statement s = RefuseValuesOutside({"public", "or\"ders"}, "id", *IntegerRange("integer"),
                                          "integer", {"tenant", "id"});
  EXPECT_EQ(s.lock, Lock::kAccessShare);
  EXPECT_NE(s.sql.find("FROM \"public\".\"or\"\"ders\" WHERE \"id\" NOT BETWEEN -2147483648 AND "
                       "2147483647 ORDER BY \"id\" LIMIT 10"),
            std::string::npos)
      << s.sql;
  EXPECT_NE(s.sql.find("concat_ws(', ', \"tenant\"::text, \"id\"::text)"), std::string::npos)
      << s.sql;
  EXPECT_NE(s.sql.find("ERRCODE = 'PGR01'"), std::string::npos) << s.sql;
}

TEST(SetSequenceTypeTest, LocksTheSequence) {
  const Statement s = SetSequenceType({"public", "orders_id_seq"}, "bigint");
  EXPECT_EQ(s.sql, "ALTER SEQUENCE \"public\".\"orders_id_seq\" AS bigint");
  EXPECT_EQ(s.lock, Lock::kAccessExclusive);
}

}  // namespace
}  // namespace pgphase::ddl
