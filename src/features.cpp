// Feature handles (include/owostack/features.hpp): the builders make what upstream's catalog
// helpers make (packages/core/src/catalog.ts: the same defaults), and the calls fill in the
// feature and forward to the customer handle's operations, adding nothing of their own.
#include <owostack/customer.hpp>
#include <owostack/features.hpp>

namespace owo {

namespace {

/// Metered features reset monthly unless told otherwise; entities (seats) never do.
std::string default_reset(feature_kind k) { return k == feature_kind::entity ? "never" : "monthly"; }

} // namespace

plan_feature_entry feature_handle::entry(std::optional<double> limit, feature_terms terms, bool enabled) const {
    if (kind_ != feature_kind::boolean) {
        if (!terms.reset) terms.reset = default_reset(kind_);
        if (!terms.overage) terms.overage = "block";
    }
    if (kind_ == feature_kind::boolean) limit.reset();
    return plan_feature_entry{slug_, kind_, enabled, limit, std::move(terms)};
}

plan_feature_entry feature_handle::limit(double n, feature_terms terms) const { return entry(n, std::move(terms)); }

plan_feature_entry feature_handle::unlimited(feature_terms terms) const { return entry(std::nullopt, std::move(terms)); }

plan_feature_entry feature_handle::per_unit(std::int64_t unit_price, std::optional<std::string> reset) const {
    return entry(std::nullopt, feature_terms{.reset = std::move(reset), .overage = "charge", .billing_units = 1,
                                             .usage_model = "usage_based", .price_per_unit = unit_price,
                                             .rating_model = "package"});
}

plan_feature_entry feature_handle::graduated(std::vector<pricing_tier> tiers, std::optional<std::string> reset) const {
    return entry(std::nullopt, feature_terms{.reset = std::move(reset), .overage = "charge", .usage_model = "usage_based",
                                             .rating_model = "graduated", .tiers = std::move(tiers)});
}

plan_feature_entry feature_handle::volume(std::vector<pricing_tier> tiers, std::optional<std::string> reset) const {
    return entry(std::nullopt, feature_terms{.reset = std::move(reset), .overage = "charge", .usage_model = "usage_based",
                                             .rating_model = "volume", .tiers = std::move(tiers)});
}

plan_feature_entry feature_handle::config(std::optional<double> limit, feature_terms terms, bool enabled) const {
    return entry(limit, std::move(terms), enabled);
}

plan_feature_entry feature_handle::on() const { return entry(std::nullopt, {}, true); }

plan_feature_entry feature_handle::off() const { return entry(std::nullopt, {}, false); }

// The calls are not coroutines: each returns the operation's own awaitable, which holds its
// params and client by value, so it stays valid after the handle and the customer are gone.

boost::asio::awaitable<access_result> feature_handle::check(owo::customer c, feature_check_options o) const {
    check_params p{.feature = slug_, .value = o.value, .send_event = o.send_event, .entity = std::move(o.entity)};
    return c.check(std::move(p));
}

boost::asio::awaitable<access_result> feature_handle::track(owo::customer c, double value,
                                                            feature_track_options o) const {
    track_params p{.feature = slug_, .value = value, .entity = std::move(o.entity), .metadata = std::move(o.metadata)};
    return c.track(std::move(p));
}

boost::asio::awaitable<add_entity_result> feature_handle::add(owo::customer c, std::string entity,
                                                              feature_entity_options o) const {
    add_entity_params p{.feature = slug_, .entity = std::move(entity), .name = std::move(o.name),
                        .email = std::move(o.email), .metadata = std::move(o.metadata)};
    return c.add_entity(std::move(p));
}

boost::asio::awaitable<remove_entity_result> feature_handle::remove(owo::customer c, std::string entity) const {
    remove_entity_params p{.feature = slug_, .entity = std::move(entity)};
    return c.remove_entity(std::move(p));
}

boost::asio::awaitable<list_entities_result> feature_handle::list(owo::customer c) const {
    list_entities_params p{.feature = slug_};
    return c.list_entities(std::move(p));
}

const char* to_string(feature_kind k) noexcept {
    switch (k) {
    case feature_kind::boolean: return "boolean";
    case feature_kind::entity: return "entity";
    case feature_kind::metered: break;
    }
    return "metered";
}

} // namespace owo
