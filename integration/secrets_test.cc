// Issue 10: no password in any output, log line, state row, event or `status`, whether it
// comes in the URL, in PGPASSWORD or in a password file. (The test server trusts every
// connection, so the password is carried along, never checked: exactly what must not leak.)
#include <cstdlib>
#include <fstream>

#include "harness.h"

namespace pgphase::it {
namespace {

constexpr const char* kSecret = "S3cr3t-Pw-4711";

class SecretsTest : public OrdersTest {
 protected:
  // The test database's URL with user:password in it.
  std::string UrlWithPassword() {
    std::string url = db_url();
    const std::string scheme = "postgresql://";
    const size_t at = url.find('@');
    return scheme + "postgres:" + kSecret + url.substr(at);
  }
  void ExpectNoSecret(const RunResult& r) {
    EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r;
    EXPECT_EQ(r.err.find(kSecret), std::string::npos) << r;
  }
  // Every row of every table of the state schema, as text.
  std::string StateRows() {
    std::string all;
    for (const auto& row : Query("SELECT table_name FROM information_schema.tables WHERE "
                                 "table_schema = 'pgphase'"))
      for (const auto& r : Query("SELECT t::text FROM pgphase." + row[0] + " t"))
        all += r[0] + "\n";
    return all;
  }
};

TEST_F(SecretsTest, NoPasswordInOutputStateOrEvents) {
  SeedOrders(1000);
  const std::string spec = WriteOrdersSpec();
  const std::string url = UrlWithPassword();
  // In the URL: every command, a failing one, and one that cannot connect.
  const std::vector<std::pair<std::vector<std::string>, int>> commands = {
      {{"plan", spec}, 0},
      {{"apply", spec, "--through", "backfill"}, 0},
      {{"status"}, 0},
      {{"status", "--json"}, 0},
      {{"apply", temp_dir() + "/missing.yaml"}, 2}};
  for (const auto& [args, exit_code] : commands) {
    std::vector<std::string> with_db = args;
    with_db.insert(with_db.end(), {"--db", url});
    RunResult r = RunNoDb(with_db);
    EXPECT_EQ(r.exit_code, exit_code) << r;
    ExpectNoSecret(r);
  }
  const std::string bad_port = "postgresql://postgres:" + std::string(kSecret) + "@127.0.0.1:1/x";
  RunResult refused = RunNoDb({"status", "--db", bad_port});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  ExpectNoSecret(refused);
  EXPECT_NE(refused.err.find("***"), std::string::npos) << "the password is shown masked";
  // In PGPASSWORD and in a password file.
  setenv("PGPASSWORD", kSecret, 1);
  RunResult validate = RunNoDb({"apply", spec, "--through", "validate", "--db", db_url()});
  EXPECT_EQ(validate.exit_code, 0) << validate;
  ExpectNoSecret(validate);
  ExpectNoSecret(RunNoDb({"status", "--db", "host=127.0.0.1 port=1 dbname=x"}));
  unsetenv("PGPASSWORD");
  const std::string passfile = temp_dir() + "/pgpass";
  std::ofstream(passfile) << "*:*:*:*:" << kSecret << "\n";
  setenv("PGPASSFILE", passfile.c_str(), 1);
  RunResult swap = RunNoDb({"apply", spec, "--through", "swap", "--db", db_url()});
  EXPECT_EQ(swap.exit_code, 0) << swap;
  ExpectNoSecret(swap);
  unsetenv("PGPASSFILE");
  EXPECT_EQ(StateRows().find(kSecret), std::string::npos) << "a state row holds the password";
  EXPECT_FALSE(StateRows().empty());
}

}  // namespace
}  // namespace pgphase::it
