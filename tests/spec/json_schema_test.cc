// `pgphase schema`: the JSON Schema comes from the shapes the readers take their keys from, so
// a key, a required key or a keyword of the reader is one of the schema. The files themselves
// are validated with a real validator by SchemaTest (tests/spec/schema/validate.py).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "pgphase/spec_reader.h"
#include "spec/shapes.h"

namespace pgphase {
namespace {

using Json = nlohmann::json;

Json Schema() { return Json::parse(MigrationJsonSchema({"rename", "truncate"})); }

std::set<std::string> Keys(const Json& object) {
  std::set<std::string> out;
  for (const auto& [k, v] : object.items()) out.insert(k);
  return out;
}

TEST(JsonSchemaTest, EveryOperationOfTheRegistrationTableIsOneOfTheSchema) {
  const Json ops = Schema()["definitions"]["operation"]["properties"];
  std::set<std::string> expected;
#define PGPHASE_KIND(kind, Type) expected.insert(#kind);
  PGPHASE_OPERATIONS(PGPHASE_KIND)
#undef PGPHASE_KIND
  EXPECT_EQ(Keys(ops), expected);
  for (const std::string& kind : expected)
    EXPECT_TRUE(Schema()["definitions"].contains(kind)) << kind;
}

TEST(JsonSchemaTest, KeysAndRequiredKeysAreTheReadersAndNoOthers) {
  const Json alter = Schema()["definitions"]["alter_column"];
  EXPECT_EQ(alter["additionalProperties"], false);
  EXPECT_EQ(alter["required"], Json::array({"table", "column"}));
  EXPECT_TRUE(alter["properties"].contains("up"));
  // The reader refuses what the schema does not list: the same table says both.
  auto spec = ParseSpec("operations:\n  - alter_column: {table: t, column: c, colour: red}\n",
                        "0001_x.yaml");
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("unknown key"), std::string::npos);
  EXPECT_FALSE(alter["properties"].contains("colour"));
  for (const auto& shape : spec_internal::AllShapes()) {
    if (shape.name == "migration") continue;
    const Json def = Schema()["definitions"][std::string(shape.name)];
    EXPECT_EQ(def["properties"].size(), shape.fields.size()) << shape.name;
    EXPECT_FALSE(def["description"].get<std::string>().empty()) << shape.name;
  }
}

TEST(JsonSchemaTest, TypesKeywordsAndNullsAreThoseTheReadersTake) {
  const Json s = Schema();
  // A keyword: `enum` as documented (for completion), `pattern` for any case and spacing.
  const Json method = s["definitions"]["create_index"]["properties"]["method"]["anyOf"];
  for (const char* m : {"btree", "gin"})
    EXPECT_NE(std::find(method[0]["enum"].begin(), method[0]["enum"].end(), m),
              method[0]["enum"].end())
        << m;
  const std::regex method_pattern(method[1]["pattern"].get<std::string>());
  for (const char* m : {"btree", "BTREE", "BTree", " gin "})
    EXPECT_TRUE(std::regex_search(m, method_pattern)) << m;
  for (const char* m : {"btreex", "b tree", ""})
    EXPECT_FALSE(std::regex_search(m, method_pattern)) << m;
  const Json action = s["definitions"]["references"]["properties"]["on_delete"]["anyOf"];
  EXPECT_NE(std::find(action[0]["enum"].begin(), action[0]["enum"].end(), "SET NULL"),
            action[0]["enum"].end());
  const std::regex action_pattern(action[1]["pattern"].get<std::string>());
  for (const char* a : {"set null", "Set  Null", "NO ACTION"})
    EXPECT_TRUE(std::regex_search(a, action_pattern)) << a;
  EXPECT_FALSE(std::regex_search("setnull", action_pattern));
  const Json batch = s["definitions"]["settings"]["properties"]["batch_size_min"];
  EXPECT_EQ(batch["type"], "integer");
  EXPECT_EQ(batch["minimum"], 1);
  const Json removable = s["definitions"]["alter_column"]["properties"]["default"];
  EXPECT_EQ(removable["anyOf"][1]["type"], "null");
  const Json rules = s["definitions"]["sql"]["properties"]["unsafe_ok"]["items"]["enum"];
  EXPECT_EQ(rules, Json::array({"rename", "truncate"}));
  EXPECT_EQ(s["required"], Json::array({"operations"}));
  EXPECT_EQ(s["properties"]["operations"]["minItems"], 1);
}

}  // namespace
}  // namespace pgphase
