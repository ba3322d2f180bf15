// Must not build: the executor runs stored plans, it reads no YAML.
#include <yaml-cpp/yaml.h>
