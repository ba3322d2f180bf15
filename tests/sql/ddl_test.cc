// The trigger and backfill builders of ddl.cc (whole plans are in tests/golden).
#include "pgphase/ddl.h"

#include <gtest/gtest.h>

namespace pgphase::ddl {
namespace {

const Rel kTable{"public", "logs"};
const Rel kFn{"pgphase", "sync_logs"};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Fill Shout() { return Fill("shout", "(upper(msg))", {"msg"}); }

TEST(FillTriggerTest, UpdateTriggerIsNarrowedToTheSourcesByDefault) {
  const std::string sql = CreateFillUpdateTrigger("upd", kTable, kFn, {Shout()});
  EXPECT_TRUE(Contains(sql, "BEFORE UPDATE OF \"msg\" ON")) << sql;
  EXPECT_FALSE(Contains(sql, "NEW.\"shout\" IS NULL")) << sql;
}

TEST(FillTriggerTest, FillNullOnUpdateFiresOnAnyUpdateWhileTheColumnIsNull) {
  Fill f = Shout();
  f.fill_null_on_update = true;
  const std::string trigger = CreateFillUpdateTrigger("upd", kTable, kFn, {f});
  EXPECT_EQ(trigger,
            "CREATE TRIGGER \"upd\" BEFORE UPDATE ON \"public\".\"logs\" FOR EACH ROW WHEN "
            "((NEW.\"shout\" IS NULL OR (NEW.\"shout\" IS NOT DISTINCT FROM OLD.\"shout\" AND "
            "(NEW.\"msg\" IS DISTINCT FROM OLD.\"msg\")))) "
            "EXECUTE FUNCTION \"pgphase\".\"sync_logs\"()");
  const std::string fn = CreateFillFunction(kFn, kTable, {f});
  EXPECT_TRUE(Contains(fn, "    IF NEW.\"shout\" IS NULL OR (NEW.\"shout\" IS NOT DISTINCT FROM "))
      << fn;
}

TEST(FillTriggerTest, FillNullOnUpdateAlsoCoversPgphaseOwnedShadowColumns) {
  Fill f("_pgphase_new_n", "(CAST(n AS bigint))", {"n"});
  f.mode = Fill::Mode::kOwned;
  f.fill_null_on_update = true;
  const std::string sql = CreateFillUpdateTrigger("upd", kTable, kFn, {f});
  EXPECT_TRUE(Contains(sql, "BEFORE UPDATE ON")) << sql;
  EXPECT_TRUE(Contains(
      sql, "WHEN ((NEW.\"_pgphase_new_n\" IS NULL OR (NEW.\"n\" IS DISTINCT FROM OLD.\"n\")))"))
      << sql;
}

TEST(FillTriggerTest, OneFillThatFillsWhenNullWidensTheWholeTrigger) {
  Fill other("label", "(msg || '!')", {"msg"});
  Fill f = Shout();
  f.fill_null_on_update = true;
  const std::string sql = CreateFillUpdateTrigger("upd", kTable, kFn, {other, f});
  EXPECT_FALSE(Contains(sql, " OF ")) << sql;
}

TEST(FillTriggerTest, InsertOnlyFillsNeverGetAnUpdateConditionEvenWhenAskedToFillNulls) {
  Fill f("old", "(new_col)", {"new_col"});
  f.mode = Fill::Mode::kInsertOnly;
  f.fill_null_on_update = true;
  EXPECT_EQ(CreateFillUpdateTrigger("upd", kTable, kFn, {f}), "");
}

TEST(BackfillSqlTest, CtidBatchIsOneRangeOfPagesWithEveryValueAParameter) {
  const std::string sql =
      BackfillCtidBatch({"public", "lo\"gs"}, {{"shout", "(upper(msg))"}, {"n2", "(n * 2)"}});
  EXPECT_EQ(sql,
            "WITH done AS (UPDATE ONLY \"public\".\"lo\"\"gs\" SET "
            "\"shout\" = COALESCE(\"shout\", (upper(msg))), \"n2\" = COALESCE(\"n2\", (n * 2)) "
            "WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid "
            "AND ctid >= $3::tid AND ctid < $4::tid AND (\"shout\" IS NULL OR \"n2\" IS NULL) "
            "RETURNING 1) "
            "SELECT (SELECT count(*) FROM ONLY \"public\".\"lo\"\"gs\" "
            "WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid "
            "AND ctid >= $3::tid AND ctid < $4::tid), (SELECT count(*) FROM done), "
            "pg_catalog.pg_relation_size($1::regclass) / "
            "pg_catalog.current_setting('block_size')::bigint, "
            "pg_catalog.pg_relation_filenode($1::regclass)");
}

TEST(BackfillSqlTest, CtidScanStartReadsPagesAndFileNodeOfTheParameterTable) {
  EXPECT_EQ(CtidScanStart(),
            "SELECT pg_catalog.pg_relation_size($1::regclass) / "
            "pg_catalog.current_setting('block_size')::bigint, "
            "pg_catalog.pg_relation_filenode($1::regclass)");
}

}  // namespace
}  // namespace pgphase::ddl
