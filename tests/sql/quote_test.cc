#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "pgphase/sql.h"
#include "pgphase/sql_text.h"

namespace pgphase {
namespace {

struct Case {
  std::string input;
  std::string want;
};

TEST(QuoteIdentTest, AlwaysDoubleQuotesAndDoublesEmbeddedQuotes) {
  const std::vector<Case> cases = {
      {"users", "\"users\""},
      {"select", "\"select\""},  // keywords are not special-cased
      {"Users", "\"Users\""},    // case is preserved
      {"a\"b", "\"a\"\"b\""},
      {"\"", "\"\"\"\""},
      {"x\"; DROP TABLE t; --", "\"x\"\"; DROP TABLE t; --\""},
      {"semi;colon", "\"semi;colon\""},
      {"it's", "\"it's\""},
      {"with space", "\"with space\""},
      {"naïve_ñandú", "\"naïve_ñandú\""},
      {"表", "\"表\""},
      {"", "\"\""},
  };
  for (const auto& c : cases) EXPECT_EQ(QuoteIdent(c.input), c.want) << c.input;
}

TEST(QuoteQualifiedTest, QuotesSchemaAndNameSeparately) {
  EXPECT_EQ(QuoteQualified("public", "users"), "\"public\".\"users\"");
  EXPECT_EQ(QuoteQualified("a.b", "c\"d"), "\"a.b\".\"c\"\"d\"");
}

TEST(QuoteLiteralTest, DoublesQuotesAndUsesEscapeFormOnlyForBackslashes) {
  const std::vector<Case> cases = {
      {"", "''"},
      {"plain", "'plain'"},
      {"it's", "'it''s'"},
      {"''", "''''''"},
      {"a\\b", "E'a\\\\b'"},
      {"\\'", "E'\\\\'''"},
      {"x'); DROP TABLE t; --", "'x''); DROP TABLE t; --'"},
      {"$pgphase$", "'$pgphase$'"},
      {"ünïcödé", "'ünïcödé'"},
      {"two\nlines", "'two\nlines'"},
  };
  for (const auto& c : cases) EXPECT_EQ(QuoteLiteral(c.input), c.want) << c.input;
}

TEST(DollarQuoteTagTest, PicksFirstTagThatCannotEndTheBodyEarly) {
  const std::vector<Case> cases = {
      {"", "$pgphase$"},
      {"BEGIN NEW.a := 1; END", "$pgphase$"},
      {"$$ $x$", "$pgphase$"},
      {"contains $pgphase$ inside", "$pgphase1$"},
      {"$pgphase$ and $pgphase1$", "$pgphase2$"},
      // The closer would start inside the body: "x$pgphase" + "$pgphase$".
      {"ends with $pgphase", "$pgphase1$"},
  };
  for (const auto& c : cases) EXPECT_EQ(DollarQuoteTag(c.input), c.want) << c.input;
}

TEST(DollarQuoteTagTest, TagNeverOccursInBodyPlusCloserBeforeTheCloser) {
  for (std::string body : {"$pgphase$", "a$pgphase", "$pgphase1$$pgphase$", "$pgphase2"}) {
    const std::string tag = DollarQuoteTag(body);
    EXPECT_EQ((body + tag).find(tag), body.size()) << body;
  }
}

TEST(BoundedNameTest, JoinsShortPartsWithUnderscore) {
  EXPECT_EQ(BoundedName({"users", "email", "key"}), "users_email_key");
  EXPECT_EQ(BoundedName({"only"}), "only");
  EXPECT_EQ(BoundedName({}), "");
}

TEST(BoundedNameTest, KeepsNamesOfExactly63Bytes) {
  const std::string name(63, 'a');
  EXPECT_EQ(BoundedName({name}), name);
}

TEST(BoundedNameTest, CutsLongNamesTo63BytesWithHashSuffix) {
  const std::string got = BoundedName({std::string(40, 'a'), std::string(40, 'b')});
  ASSERT_EQ(got.size(), 63u);
  EXPECT_EQ(got.substr(0, 54), std::string(40, 'a') + "_" + std::string(13, 'b'));
  EXPECT_EQ(got[54], '_');
  EXPECT_EQ(got.substr(55).find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(BoundedNameTest, IsDeterministicAndKeepsDistinctLongNamesDistinct) {
  const std::string prefix(60, 'x');
  EXPECT_EQ(BoundedName({prefix, "one"}), BoundedName({prefix, "one"}));
  EXPECT_NE(BoundedName({prefix, "one"}), BoundedName({prefix, "two"}));
}

TEST(BoundedNameTest, HashesTheFullNameWithFnv1a32) {
  // FNV-1a-32 of 64 'a' bytes, computed independently.
  uint32_t h = 2166136261u;
  for (int i = 0; i < 64; ++i) h = (h ^ 'a') * 16777619u;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", h);
  EXPECT_EQ(BoundedName({std::string(64, 'a')}), std::string(54, 'a') + "_" + hex);
}

TEST(BoundedNameTest, NeverCutsInsideAUtf8Character) {
  // 53 ASCII bytes then a 2-byte character spanning bytes 53..54: the cut backs off.
  const std::string name = std::string(53, 'a') + "é" + std::string(20, 'z');
  const std::string got = BoundedName({name});
  EXPECT_EQ(got.substr(0, 54), std::string(53, 'a') + "_");
  EXPECT_EQ(got.size(), 62u);
  // "a" then 3-byte characters: bytes 52..54 hold one character, so the cut is at 52.
  std::string kanji = "a";
  for (int i = 0; i < 30; ++i) kanji += "表";
  const std::string cut = BoundedName({kanji});
  EXPECT_EQ(cut.substr(0, 53), kanji.substr(0, 52) + "_");
  EXPECT_EQ(cut.size(), 61u);
}

}  // namespace
}  // namespace pgphase

namespace pgphase {
namespace {

TEST(QuoteIdentIfNeededTest, QuotesWhatQuoteIdentifierQuotes) {
  EXPECT_EQ(QuoteIdentIfNeeded("users"), "users");
  EXPECT_EQ(QuoteIdentIfNeeded("user_id2"), "user_id2");
  EXPECT_EQ(QuoteIdentIfNeeded("name"), "name");  // an unreserved keyword
  EXPECT_EQ(QuoteIdentIfNeeded("order"), "\"order\"");
  EXPECT_EQ(QuoteIdentIfNeeded("int"), "\"int\"");    // a column-name keyword
  EXPECT_EQ(QuoteIdentIfNeeded("left"), "\"left\"");  // a type or function name keyword
  EXPECT_EQ(QuoteIdentIfNeeded("Users"), "\"Users\"");
  EXPECT_EQ(QuoteIdentIfNeeded("1a"), "\"1a\"");
  EXPECT_EQ(QuoteIdentIfNeeded("a\"b"), "\"a\"\"b\"");
}

TEST(UnqualifiedTest, TakesTheSchemaOffNamesAndRegclassLiteralsOnly) {
  EXPECT_EQ(sqltext::Unqualified("nextval('public.s'::regclass)", "public"),
            "nextval('s'::regclass)");
  EXPECT_EQ(sqltext::Unqualified("'a'::public.mood", "public"), "'a'::mood");
  EXPECT_EQ(sqltext::Unqualified("REFERENCES public.u(id)", "public"), "REFERENCES u(id)");
  EXPECT_EQ(sqltext::Unqualified("\"public\".f(x)", "public"), "f(x)");
  EXPECT_EQ(sqltext::Unqualified("'public.x'::text", "public"), "'public.x'::text");
  EXPECT_EQ(sqltext::Unqualified("other.public.x, mypublic.y", "public"),
            "other.public.x, mypublic.y");
  EXPECT_EQ(sqltext::Unqualified("-- public.x\n", "public"), "-- public.x\n");
}

}  // namespace
}  // namespace pgphase
