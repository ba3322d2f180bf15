// RenameColumnRefs / ReplaceColumnRefs: references found by the PostgreSQL parser.
#include <gtest/gtest.h>

#include "pgphase/ddl_column.h"

namespace pgphase::ddl {
namespace {

TEST(ColumnRefsTest, RenameTouchesOnlyReferencesToTheColumn) {
  auto r =
      RenameColumnRefs("upper(name) || 'name' || \"name\" || t.name || names", "name", "full name");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, "upper(\"full name\") || 'name' || \"full name\" || t.name || names");
}

TEST(ColumnRefsTest, ReplaceParenthesisesTheReplacement) {
  auto r = ReplaceColumnRefs("coalesce(n, 0) * 2 + n", "n", "length(name) + 1");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, "coalesce((length(name) + 1), 0) * 2 + (length(name) + 1)");
}

TEST(ColumnRefsTest, ReplaceLeavesExpressionsWithoutTheColumnAlone) {
  auto r = ReplaceColumnRefs("'n' || m", "n", "x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "'n' || m");
}

TEST(ColumnRefsTest, AnExpressionThatDoesNotParseIsAnError) {
  EXPECT_FALSE(ReplaceColumnRefs("n +", "n", "x").ok());
  EXPECT_FALSE(RenameColumnRefs("n +", "n", "x").ok());
}

}  // namespace
}  // namespace pgphase::ddl
