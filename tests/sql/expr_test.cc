#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pgphase/sql.h"

namespace pgphase {
namespace {

using Names = std::vector<std::string>;

struct ExprCase {
  std::string expr;
  Names column_refs;
  bool has_subquery;
  bool has_function_call;
  bool is_constant;
};

// The `up`, `down`, `default` and `check` expressions of the pgroll examples, and the
// shapes around them.
TEST(AnalyzeExpressionTest, AnalysesConformanceStyleExpressions) {
  const std::vector<ExprCase> cases = {
      {"UPPER(name)", {"name"}, false, true, false},
      {"name || '-category'", {"name"}, false, false, false},
      {"'temporary-description'", {}, false, false, true},
      {"(random() * 1000)::int", {}, false, true, false},
      {"SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE users.id = user_id) THEN user_id "
       "ELSE NULL END",
       {"id", "user_id"},
       true,
       false,
       false},
      {"CASE WHEN rating ~ '^[0-9]+$' THEN CAST(rating AS integer) ELSE 0 END",
       {"rating"},
       false,
       false,
       false},
      {"CAST(amount AS numeric)", {"amount"}, false, false, false},
      {"amount::numeric(12,2)", {"amount"}, false, false, false},
      {"length(description) > 3", {"description"}, false, true, false},
      {"price > 0 AND price < 1000", {"price"}, false, false, false},
      {"now()", {}, false, true, false},
      {"CURRENT_TIMESTAMP", {}, false, true, false},
      {"nextval('seq')", {}, false, true, false},
  };
  for (const auto& c : cases) {
    Result<ExprAnalysis> got = AnalyzeExpression(c.expr);
    ASSERT_TRUE(got.ok()) << c.expr << ": " << got.status().message();
    EXPECT_EQ(got->column_refs, c.column_refs) << c.expr;
    EXPECT_EQ(got->has_subquery, c.has_subquery) << c.expr;
    EXPECT_EQ(got->has_function_call, c.has_function_call) << c.expr;
    EXPECT_EQ(got->is_constant, c.is_constant) << c.expr;
  }
}

TEST(AnalyzeExpressionTest, LiteralsCastsAndOperatorsOnThemAreConstant) {
  for (std::string expr : {"100", "'unnamed'", "0.00", "'small'::fruit_size", "-1", "true", "NULL",
                           "1 + 2 * 3", "'a' || 'b'", "ARRAY[1, 2]", "'{}'::text[]",
                           "'x' COLLATE \"C\"", "(1, 'a')", "CASE WHEN 1 > 0 THEN 'y' ELSE 'n' END",
                           "COALESCE(NULL, 0)", "'2024-01-01'::date", "B'101'", "  42  "}) {
    Result<ExprAnalysis> got = AnalyzeExpression(expr);
    ASSERT_TRUE(got.ok()) << expr << ": " << got.status().message();
    EXPECT_TRUE(got->is_constant) << expr;
    EXPECT_TRUE(got->column_refs.empty()) << expr;
  }
}

TEST(AnalyzeExpressionTest, ColumnsFunctionsSubqueriesAndParametersAreNotConstant) {
  for (std::string expr : {"now()", "(random() * 1000)::int", "name || 'x'", "CURRENT_USER",
                           "(SELECT 1)", "gen_random_uuid()", "id IS NULL"}) {
    Result<ExprAnalysis> got = AnalyzeExpression(expr);
    ASSERT_TRUE(got.ok()) << expr << ": " << got.status().message();
    EXPECT_FALSE(got->is_constant) << expr;
  }
}

TEST(AnalyzeExpressionTest, ColumnRefsAreInSourceOrderAndDeduplicated) {
  const std::vector<std::pair<std::string, Names>> cases = {
      {"b + a + b + c", {"b", "a", "c"}},
      {"t.x + y + s.t.x", {"x", "y"}},  // qualified: the last part
      {"CASE WHEN z > 0 THEN y ELSE x END", {"z", "y", "x"}},
      {"f(c, b, a)", {"c", "b", "a"}},
      {"coalesce(last_name, first_name) || ' ' || first_name", {"last_name", "first_name"}},
      {"\"Mixed Case\" || \"it\"\"s\" || plain", {"Mixed Case", "it\"s", "plain"}},
      {"\"naïve\" + \"表\"", {"naïve", "表"}},
      {"Upper_Case_Unquoted", {"upper_case_unquoted"}},  // folded like PostgreSQL does
      {"count(*)", {}},
      {"(SELECT max(o.total) FROM orders o WHERE o.user_id = id)", {"total", "user_id", "id"}},
  };
  for (const auto& [expr, want] : cases) {
    Result<ExprAnalysis> got = AnalyzeExpression(expr);
    ASSERT_TRUE(got.ok()) << expr << ": " << got.status().message();
    EXPECT_EQ(got->column_refs, want) << expr;
  }
}

// What verification needs to decide whether an expression is deterministic (plan/verify.h).
TEST(AnalyzeExpressionTest, FunctionCallsAreNamedAsCalledInSourceOrder) {
  Result<ExprAnalysis> a =
      AnalyzeExpression("lower(trim(b)) || public.slug(a) || lower(a) || substring(c from 2)");
  ASSERT_TRUE(a.ok()) << a.status().message();
  const std::vector<FunctionName> want = {
      {"", "lower"}, {"pg_catalog", "btrim"}, {"public", "slug"}, {"pg_catalog", "substring"}};
  EXPECT_EQ(a->function_calls, want);
  EXPECT_EQ(a->function_calls[1].Display(), "pg_catalog.btrim");
  EXPECT_TRUE(AnalyzeExpression("amount * 2")->function_calls.empty());
}

TEST(AnalyzeExpressionTest, CastTargetsAreNamedByTheParsersTypeName) {
  Result<ExprAnalysis> a = AnalyzeExpression(
      "CAST(a AS integer) + b::numeric(12,2) + extract(epoch from c::timestamptz) + "
      "(date '2024-01-01' - d::date) + CAST(e AS integer)");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->cast_types, (Names{"int4", "numeric", "timestamptz", "date"}));
  EXPECT_EQ(a->function_calls, (std::vector<FunctionName>{{"pg_catalog", "extract"}}));
}

TEST(AnalyzeExpressionTest, SessionValuesAndSubselectsWithFromAreFlagged) {
  EXPECT_TRUE(AnalyzeExpression("CURRENT_TIMESTAMP")->reads_session_value);
  EXPECT_TRUE(AnalyzeExpression("coalesce(a, current_user)")->reads_session_value);
  EXPECT_FALSE(AnalyzeExpression("now()")->reads_session_value) << "a function call";
  EXPECT_TRUE(AnalyzeExpression("(SELECT max(x) FROM other)")->reads_other_rows);
  EXPECT_TRUE(AnalyzeExpression("a + (SELECT 1 WHERE EXISTS (SELECT 1 FROM t))")->reads_other_rows);
  Result<ExprAnalysis> own_row = AnalyzeExpression("SELECT CASE WHEN a IS NULL THEN 'x' END");
  ASSERT_TRUE(own_row.ok());
  EXPECT_TRUE(own_row->has_subquery);
  EXPECT_FALSE(own_row->reads_other_rows) << "no FROM: it reads only its own row";
}

TEST(AnalyzeExpressionTest, StarReferencesNameNoColumn) {
  Result<ExprAnalysis> got = AnalyzeExpression("(SELECT count(*) FROM (SELECT t.* FROM t) s)");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(got->column_refs.empty());
  EXPECT_TRUE(got->has_subquery);
}

TEST(AnalyzeExpressionTest, LeadingSelectOrWithIsAScalarSubselect) {
  for (std::string expr : {"SELECT 1", "  select max(id) from t", "\n\tSeLeCt 1",
                           "WITH x AS (SELECT 1 AS v) SELECT v FROM x", "(SELECT 1)"}) {
    Result<ExprAnalysis> got = AnalyzeExpression(expr);
    ASSERT_TRUE(got.ok()) << expr << ": " << got.status().message();
    EXPECT_TRUE(got->has_subquery) << expr;
  }
}

TEST(AnalyzeExpressionTest, ColumnsThatMerelyStartLikeKeywordsAreColumns) {
  for (std::string expr : {"selected", "with_tax * 2", "selection_count + 1"}) {
    Result<ExprAnalysis> got = AnalyzeExpression(expr);
    ASSERT_TRUE(got.ok()) << expr << ": " << got.status().message();
    EXPECT_FALSE(got->has_subquery) << expr;
    EXPECT_EQ(got->column_refs.size(), 1u) << expr;
  }
}

TEST(AnalyzeExpressionTest, FullSelectMustReturnOneColumn) {
  Result<ExprAnalysis> got = AnalyzeExpression("SELECT a, b FROM t");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ExitCode::kInvalid);
  EXPECT_NE(got.status().message().find("exactly one column"), std::string::npos)
      << got.status().message();
}

// Text that closes the wrapping parenthesis to add SQL of its own, or that would
// swallow the SQL that follows it once embedded.
TEST(AnalyzeExpressionTest, RejectsInjectionAttempts) {
  for (std::string expr : {
           "1); DROP TABLE t; SELECT (1",
           "1); DROP TABLE t; --",
           "1);--",
           "1) ;",
           "1 -- swallows the closing parenthesis",
           "1 /* unterminated comment",
           "1) FROM pg_sleep(10) --",
           "1) FROM users WHERE (true",
           "1) WHERE (true",
           "1) AS x, (2",
           "1) AS x --",
           "1), (2",
           "1) UNION SELECT (2",
           "1) ORDER BY (1",
           "1) LIMIT (1",
           "1) INTO t --",
           "1) FOR UPDATE --",
           "1) GROUP BY (1",
           "'a''); DROP TABLE t; --",
           "1)\n; DROP TABLE t; SELECT (1",
       }) {
    Result<ExprAnalysis> got = AnalyzeExpression(expr);
    EXPECT_FALSE(got.ok()) << "accepted: " << expr;
    EXPECT_EQ(got.status().code(), ExitCode::kInvalid) << expr;
  }
}

TEST(AnalyzeExpressionTest, InjectionLookalikesInsideStringsAreFine) {
  for (std::string expr : {"'1); DROP TABLE t; --'", "'it''s'", "name || '); DROP TABLE x; --'",
                           "$x$)$x$", "$$) ; DROP TABLE t; --$$"}) {
    Result<ExprAnalysis> got = AnalyzeExpression(expr);
    EXPECT_TRUE(got.ok()) << expr << ": " << got.status().message();
  }
}

TEST(AnalyzeExpressionTest, BalancedParenthesesAcrossTheWrapperAreOneExpression) {
  // "(1) + (2)" is still one expression once embedded as "((1) + (2))".
  Result<ExprAnalysis> got = AnalyzeExpression("1) + (2");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(got->is_constant);
}

TEST(AnalyzeExpressionTest, RejectsPositionalParametersThatWouldBindToTheHostStatement) {
  for (std::string expr : {"$1", "name || $2", "(SELECT $1)"}) {
    Result<ExprAnalysis> got = AnalyzeExpression(expr);
    ASSERT_FALSE(got.ok()) << "accepted: " << expr;
    EXPECT_NE(got.status().message().find("parameters"), std::string::npos) << expr;
  }
}

TEST(AnalyzeExpressionTest, RejectsEmptyAndNulBytes) {
  for (const std::string& expr : {std::string(""), std::string("   \n"), std::string("1\0 2", 4)}) {
    Result<ExprAnalysis> got = AnalyzeExpression(expr);
    EXPECT_FALSE(got.ok()) << "accepted: " << expr;
  }
}

struct ErrorCase {
  std::string expr;
  std::string message_part;
};

TEST(AnalyzeExpressionTest, ParserErrorsCarryThePositionWithinTheExpression) {
  const std::vector<ErrorCase> cases = {
      // Fails at the wrapper's ')', just past the user's text.
      {"1 +", "syntax error at or near \")\" at character 4 of the expression (its end)"},
      {"name FROM", "syntax error at or near \"FROM\" at character 6 of the expression"},
      {"a b c", "syntax error at or near \"b\" at character 3 of the expression"},
      {"CASE WHEN x THEN 1", "at character 19 of the expression (its end)"},
      {"'unterminated", "unterminated quoted string"},
      {"'unterminated", "at character 1 of the expression"},
      // Positions count characters, not bytes.
      {"'é' + é é", "at or near \"é\" at character 9 of the expression"},
  };
  for (const auto& c : cases) {
    Result<ExprAnalysis> got = AnalyzeExpression(c.expr);
    ASSERT_FALSE(got.ok()) << c.expr;
    EXPECT_EQ(got.status().code(), ExitCode::kInvalid);
    EXPECT_NE(got.status().message().find(c.message_part), std::string::npos)
        << c.expr << " -> " << got.status().message();
  }
}

TEST(EmbedExpressionTest, WrapsInParentheses) {
  EXPECT_EQ(EmbedExpression("a + 1"), "(a + 1)");
  EXPECT_EQ(EmbedExpression("SELECT max(id) FROM t"), "(SELECT max(id) FROM t)");
  EXPECT_EQ(EmbedExpression("'x'"), "('x')");
}

TEST(CheckTypeNameTest, AcceptsTypeNames) {
  for (std::string type : {"int",
                           "integer",
                           "bigint",
                           "text",
                           "varchar(255)",
                           "character varying(255)",
                           "numeric(12,2)",
                           "numeric(12, 2)",
                           "text[]",
                           "int[][]",
                           "integer ARRAY",
                           "timestamp with time zone",
                           "timestamptz",
                           "time with time zone",
                           "timestamp(3) without time zone",
                           "interval day to second",
                           "double precision",
                           "bit varying(5)",
                           "public.my_enum",
                           "\"My Type\"",
                           "\"weird\"\"type\"",
                           "serial",
                           "bigserial",
                           "uuid",
                           "jsonb",
                           "  boolean  "}) {
    Status st = CheckTypeName(type);
    EXPECT_TRUE(st.ok()) << type << ": " << st.message();
  }
}

TEST(CheckTypeNameTest, RejectsAnythingButATypeName) {
  for (std::string type : {
           "",
           "int; DROP TABLE x",
           "int); DROP TABLE x; SELECT CAST(NULL AS int",
           "int) FROM pg_sleep(10) --",
           "int);--",
           "int -- swallows what follows",
           "int /* unterminated",
           "int NOT NULL",
           "int DEFAULT 5",
           "int PRIMARY KEY",
           "int COLLATE \"C\"",
           "int::text",
           "int), CAST(1 AS int",
           "int) AS x --",
           "SETOF int",
           "1",
           "'text'",
           "int + 1",
           "varchar(",
       }) {
    Status st = CheckTypeName(type);
    EXPECT_FALSE(st.ok()) << "accepted: " << type;
    EXPECT_EQ(st.code(), ExitCode::kInvalid) << type;
  }
}

TEST(CheckTypeNameTest, ParserErrorsCarryThePositionWithinTheType) {
  Status st = CheckTypeName("numeric(12,,2)");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("at character 12 of the type"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace pgphase

namespace pgphase {
namespace {

TEST(MayRaiseTest, OnlyWhatCannotFailForAnyValueIsSafe) {
  const ColumnTypes cols = {{"name", "text"},
                            {"owner", "text"},
                            {"n", "integer"},
                            {"big", "bigint"},
                            {"code", "character varying(5)"},
                            {"price", "numeric(12,2)"},
                            {"at", "date"}};
  struct Case {
    const char* expr;
    const char* target;
    bool may_raise;
  };
  const Case cases[] = {
      {"upper(name)", "text", false},
      {"name || '!'", "text", false},
      {"CAST(n AS bigint)", "bigint", false},
      {"n", "bigint", false},
      {"CAST(owner AS integer)", "integer", true},
      {"owner", "integer", true},
      {"n + 1", "integer", true},
      {"n / 2", "integer", true},
      {"CAST(big AS integer)", "integer", true},
      {"code", "text", false},
      {"code", "character varying(10)", false},
      {"name", "character varying(10)", true},
      {"CAST(name AS varchar(10))", "character varying(10)", false},
      {"CASE WHEN name IS NULL THEN 'none' ELSE name END", "text", false},
      {"coalesce(name, 'x')", "text", false},
      {"nullif(name, '')", "text", false},
      {"price", "numeric", false},
      {"CAST(price AS numeric(5,2))", "numeric(5,2)", true},
      {"at", "timestamp with time zone", false},
      {"(SELECT 1)", "integer", true},
      {"my_function(name)", "text", true},
      {"name ~ 'a('", "boolean", true},
      {"n", "text", false},
      {"NULL", "integer", false},
      {"'pending'", "text", false},
      {"'5'", "integer", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.expr) + " -> " + c.target);
    EXPECT_EQ(MayRaise(c.expr, cols, c.target), c.may_raise);
  }
}

}  // namespace
}  // namespace pgphase
