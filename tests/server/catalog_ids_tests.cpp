// Feature ids (issue #26): billing answers name a feature by its id, as the hosted usage ledger
// does, so every feature, and every credit system's pool feature, has one. merge_catalog gives
// them when sync (or the catalog file) creates an item, and to catalogs stored before features
// had ids, once: the ids then stay what they are.
#include "domain/catalog.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <regex>

namespace json = boost::json;
using owo::local::catalog;
using owo::local::merge_catalog;

namespace {

bool is_uuid(const json::value& v) {
    return v.is_string() && std::regex_match(std::string(v.get_string()),
                                             std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
}

/// A catalog as owostack-local stored it before features had ids.
json::object stored_without_feature_ids() {
    return json::parse(R"({"features":[{"slug":"pages","type":"metered","name":"Pages"},{"slug":"ai-chat","type":"metered","name":"AI chat"}],
        "plans":[{"id":"p-1","slug":"metered","name":"Metered","price":0,"currency":"USD","interval":"monthly","features":[]}],
        "creditSystems":[{"id":"cs-1","slug":"ai-credits","name":"AI credits","features":[{"feature":"ai-chat","creditCost":2}]}],
        "creditPacks":[]})")
        .as_object();
}

} // namespace

BOOST_AUTO_TEST_SUITE(catalog_ids)

BOOST_AUTO_TEST_CASE(stored_catalogs_get_feature_ids_once) {
    auto doc = stored_without_feature_ids();
    merge_catalog(doc, json::object{}, 1);
    const auto& features = doc.at("features").as_array();
    BOOST_TEST(is_uuid(features.at(0).at("id")));
    BOOST_TEST(features.at(0).at("id") != features.at(1).at("id"));
    const auto& system = doc.at("creditSystems").at(0).as_object();
    BOOST_TEST(is_uuid(system.at("featureId")));                // the pool is a feature of its own
    BOOST_TEST(system.at("featureId") != features.at(1).at("id"));
    BOOST_TEST(system.at("id").as_string() == "cs-1");         // ids already given stay
    BOOST_TEST(doc.at("plans").at(0).at("id").as_string() == "p-1");

    catalog cat(doc);
    BOOST_TEST(cat.feature("pages")->id == std::string(features.at(0).at("id").as_string()));
    BOOST_TEST(cat.feature("ai-credits")->id == std::string(system.at("featureId").as_string()));

    // Merged again (the next start, a sync that changes a feature): the same ids.
    auto again = doc;
    auto answer = merge_catalog(again, json::parse(R"({"features":[{"slug":"pages","type":"metered","name":"Pages v2"},
        {"slug":"ai-chat","type":"metered","name":"AI chat"}]})").as_object(), 2);
    BOOST_TEST(answer.at("features").at("updated").as_array().size() == 1u);
    BOOST_TEST(answer.at("features").at("unchanged").as_array().size() == 1u);
    BOOST_TEST(again.at("features").at(0).at("id") == features.at(0).at("id"));
    BOOST_TEST(again.at("features").at(1).at("id") == features.at(1).at("id"));
    BOOST_TEST(again.at("creditSystems").at(0).at("featureId") == system.at("featureId"));
}

// sync.ts: a credit system whose slug is a declared feature's makes that feature its pool.
BOOST_AUTO_TEST_CASE(a_declared_feature_of_the_systems_slug_is_its_pool) {
    json::object doc;
    merge_catalog(doc, json::parse(R"({"features":[{"slug":"ai-credits","type":"metered","name":"Credits"},
        {"slug":"ai-chat","type":"metered","name":"AI chat"}],
        "creditSystems":[{"slug":"ai-credits","name":"AI credits","features":[{"feature":"ai-chat","creditCost":2}]}]})").as_object(), 5);
    BOOST_TEST(doc.at("creditSystems").at(0).at("featureId") == doc.at("features").at(0).at("id"));
    BOOST_TEST(catalog(doc).feature("ai-credits")->id == std::string(doc.at("features").at(0).at("id").as_string()));
}

BOOST_AUTO_TEST_SUITE_END()
