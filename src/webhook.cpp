// owo::webhook::verify and the typed event views (see include/owostack/webhook.hpp).
#include <owostack/webhook.hpp>

#include "ids.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

namespace owo {

namespace json = boost::json;

namespace webhook {

namespace {

class verify_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "owo.webhook"; }
    std::string message(int ev) const override {
        switch (static_cast<verify_errc>(ev)) {
        case verify_errc::malformed_header: return "webhook signature header is malformed";
        case verify_errc::bad_signature: return "webhook signature does not match the body and secret";
        case verify_errc::timestamp_outside_tolerance: return "webhook timestamp is outside the tolerance (replay?)";
        case verify_errc::malformed_body: return "webhook body is not an event";
        }
        return "unknown webhook verification error";
    }
};

struct parsed_header {
    std::int64_t timestamp = 0;
    std::vector<std::string_view> v1;
};

bool is_lower_hex(std::string_view s) { return s.find_first_not_of("0123456789abcdef") == std::string_view::npos; }

std::optional<parsed_header> parse_header(std::string_view h) {
    parsed_header out;
    bool have_t = false;
    while (!h.empty()) {
        auto comma = h.find(',');
        auto item = h.substr(0, comma);
        h = comma == std::string_view::npos ? std::string_view() : h.substr(comma + 1);
        auto eq = item.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        auto key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "t") {
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out.timestamp);
            if (have_t || value.empty() || ec != std::errc() || end != value.data() + value.size() || out.timestamp < 0)
                return std::nullopt;
            have_t = true;
        } else if (key == "v1") {
            if (value.size() != 64 || !is_lower_hex(value)) return std::nullopt;
            out.v1.push_back(value);
        }   // other schemes are ignored, as future ones would be
    }
    if (!have_t || out.v1.empty()) return std::nullopt;
    return out;
}

} // namespace

const boost::system::error_category& verify_category() noexcept {
    static const verify_category_impl c;
    return c;
}

boost::system::error_code make_error_code(verify_errc e) noexcept { return {static_cast<int>(e), verify_category()}; }

verification_error::verification_error(boost::system::error_code ec) : std::runtime_error(ec.message()), ec_(ec) {}

std::string v1_signature(std::int64_t timestamp, std::string_view body, std::string_view secret) {
    std::string payload = std::to_string(timestamp);
    payload += '.';
    payload.append(body);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(payload.data()),
         payload.size(), md, &len);
    return detail::lower_hex(md, len);
}

std::string signature_header(std::int64_t timestamp, std::string_view body, const std::vector<std::string_view>& secrets) {
    std::string h = "t=" + std::to_string(timestamp);
    for (auto s : secrets) h += ",v1=" + v1_signature(timestamp, body, s);
    return h;
}

event verify(std::string_view body, std::string_view signature_header, std::string_view secret, std::chrono::seconds tolerance,
             std::chrono::system_clock::time_point now, boost::system::error_code& ec) {
    ec = {};
    auto h = parse_header(signature_header);
    if (!h) {
        ec = verify_errc::malformed_header;
        return {};
    }
    std::string expected = v1_signature(h->timestamp, body, secret);
    bool match = false;
    for (auto given : h->v1)   // every candidate compared in full: no early exit on the first
        match |= CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
    if (!match) {
        ec = verify_errc::bad_signature;
        return {};
    }
    auto signed_at = std::chrono::system_clock::time_point(std::chrono::seconds(h->timestamp));
    auto skew = now > signed_at ? now - signed_at : signed_at - now;
    if (skew > tolerance) {
        ec = verify_errc::timestamp_outside_tolerance;
        return {};
    }
    try {
        boost::system::error_code pec;
        auto v = json::parse(body, pec);
        if (!pec) return json::value_to<event>(v);
    } catch (const std::exception&) {
    }
    ec = verify_errc::malformed_body;
    return {};
}

event verify(std::string_view body, std::string_view signature_header, std::string_view secret, std::chrono::seconds tolerance,
             std::chrono::system_clock::time_point now) {
    boost::system::error_code ec;
    auto e = verify(body, signature_header, secret, tolerance, now, ec);
    if (ec) throw verification_error(ec);
    return e;
}

} // namespace webhook

namespace {

/// data.object decoded as T; a body that is not one is malformed.
template <class T>
T data_object(const event& e) {
    try {
        auto it = e.data.find("object");
        if (it != e.data.end()) return json::value_to<T>(it->value());
    } catch (const std::exception&) {
    }
    throw webhook::verification_error(webhook::verify_errc::malformed_body);
}

} // namespace

std::optional<customer_event> customer_event_of(const event& e) {
    using enum event_type;
    if (e.type != customer_created && e.type != customer_updated && e.type != customer_deleted && e.type != customer_bound)
        return std::nullopt;
    customer_event c;
    c.customer = data_object<customer_record>(e);
    if (auto p = e.data.if_contains("previousAttributes"); p && p->is_object()) c.previous_attributes = p->get_object();
    if (auto p = e.data.if_contains("purged"); p && p->is_bool()) c.purged = p->get_bool();
    return c;
}

std::optional<entity_event> entity_event_of(const event& e) {
    using enum event_type;
    if (e.type != entity_added && e.type != entity_removed && e.type != entity_restored) return std::nullopt;
    entity_event out;
    out.entity = data_object<owo::entity>(e);
    out.customer_id = e.customer_id.value_or("");
    auto count = e.data.if_contains("count");
    if (!count || !count->is_int64()) throw webhook::verification_error(webhook::verify_errc::malformed_body);
    out.count = count->get_int64();
    if (auto l = e.data.if_contains("limit"); l && l->is_int64()) out.limit = l->get_int64();
    return out;
}

} // namespace owo
