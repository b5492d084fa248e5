// The request pipeline behind api::handle (see api.hpp): auth, route table, body, idempotency, lock, transaction.
#include "api/api.hpp"

#include "api/route_table.hpp"
#include "domain/body_validator.hpp"
#include "routes/routes.hpp"
#include "store/sqlite_store.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <set>

namespace owo::local {

namespace http = boost::beast::http;
namespace json = boost::json;
namespace urls = boost::urls;

namespace {

constexpr std::size_t max_json_depth = 32;
constexpr std::size_t max_idempotency_key = 255;

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string sha256_hex(std::string_view a, std::string_view b, std::string_view c) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    // Fetched once: OpenSSL 3 looks EVP_sha256() up in its provider store (under a lock) each time.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, sha256, nullptr);
    EVP_DigestUpdate(ctx, a.data(), a.size());
    EVP_DigestUpdate(ctx, "\n", 1);
    EVP_DigestUpdate(ctx, b.data(), b.size());
    EVP_DigestUpdate(ctx, "\n", 1);
    EVP_DigestUpdate(ctx, c.data(), c.size());
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(2 * len, '0');
    for (unsigned i = 0; i < len; ++i) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 0xf];
    }
    return out;
}

/// /^application\/([a-z-]+\+)?json\b/i, the hosted routes' test for a JSON content type.
bool is_json_content_type(std::string_view ct) {
    std::string lower;
    for (char c : ct) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view m = lower;
    if (!m.starts_with("application/")) return false;
    m.remove_prefix(12);
    if (auto plus = m.find('+'); plus != std::string_view::npos && plus > 0 &&
                                 m.substr(0, plus).find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string_view::npos)
        m.remove_prefix(plus + 1);
    if (!m.starts_with("json")) return false;
    // \b: what follows "json" must not be a word character.
    return m.size() == 4 || !(std::isalnum(static_cast<unsigned char>(m[4])) || m[4] == '_');
}

/// The path split into decoded segments, e.g. {"v1", "customers", "<id>"}.
std::vector<std::string> segments_of(const urls::url_view& u) {
    std::vector<std::string> out;
    for (auto s : u.segments()) out.push_back(s);
    return out;
}

/// The hosted API has no 405: a known path with another method is the 404 text. Only the
/// [extension] checkout page answers 405 (with no Allow, as it never has).
reply wrong_method(const route_match& m) {
    if (m.on_path->needs != scope::public_page) return reply_for(domain_error{error_kind::no_such_page});
    return reply_for(domain_error{error_kind::method_not_allowed, "Method Not Allowed"});
}

} // namespace

api::api(api_options opts) : opts_(std::move(opts)), store_(open_sqlite_store(opts_.db_path)) {
    // Each organisation keeps the catalog it has (synced before or loaded on an earlier
    // start) with the catalog file merged in: created and updated, never deleted.
    std::set<std::string> orgs;
    for (const auto& [key, org] : opts_.api_keys) orgs.insert(org);
    for (const auto& org : orgs) {
        json::object doc;
        if (auto stored = store_->catalog(org)) doc = json::parse(*stored).as_object();
        auto t = store_->begin();
        merge_catalog(doc, opts_.catalog);
        store_->save_catalog(org, json::serialize(doc));
        auto cat = std::make_shared<const catalog>(std::move(doc));
        configure_command_line_endpoints({*store_, *cat, org, now_ms(), opts_.events}, opts_.webhooks, opts_.webhook_secret);
        t->commit();
        catalogs_[org] = std::move(cat);
    }
}

void api::set_public_url(std::string url) {
    std::lock_guard lock(mutex_);
    opts_.public_url = std::move(url);
}

void api::run_store_unit(const std::function<void(store&)>& unit) {
    std::lock_guard lock(mutex_);
    auto t = store_->begin();
    unit(*store_);
    t->commit();
}

bool api::is_api_route(std::string_view target) {
    if (target.starts_with("/api/v1/")) target.remove_prefix(4);
    return target.starts_with("/v1/") && !target.starts_with("/v1/checkout/");
}

http_response api::handle(const http_request& req) {
    reply r;
    try {
        r = dispatch(req);
    } catch (const std::exception& e) {
        // Never a crash, never a partial write (the transaction rolled back); no details out.
        std::fprintf(stderr, "owostack-local: internal error on %s: %s\n", std::string(req.method_string()).c_str(), e.what());
        r = reply_for(domain_error{error_kind::internal, "Internal server error"});
    }
    return make_response(std::move(r), req);
}

reply api::dispatch(const http_request& req) {
    auto parsed = urls::parse_origin_form(req.target());
    if (!parsed) return reply_for(domain_error{error_kind::no_such_page});
    auto segs = segments_of(*parsed);
    auto verb = req.method();

    // Liveness: answered before anything else, and never waits for the store lock. The hosted
    // health route is GET / (routes/health.ts); /health is the [extension].
    if (segs.size() == 1 && segs[0] == "health") return reply_for(json::object{{"status", "ok"}});
    if ((segs.empty() || (segs.size() == 1 && segs[0].empty())) && verb == http::verb::get)
        return reply_for(json::object{{"status", "healthy"}});
    // index.ts mounts the API at /v1 and at /api/v1.
    if (segs.size() >= 2 && segs[0] == "api" && segs[1] == "v1") segs.erase(segs.begin());
    if (segs.empty() || segs[0] != "v1") return reply_for(domain_error{error_kind::no_such_page});

    static const route_table& routes = api_routes();
    auto m = routes.match(verb, segs);

    // Authentication before routing, as hosted: an unknown route with no key is a 401.
    const std::string* org = nullptr;
    const std::string* key_name = nullptr;
    if (!m.on_path || m.on_path->needs != scope::public_page) {
        // Repeated headers arrive joined with ", " (the Fetch API's Headers.get), so a second
        // Authorization makes the first key's text "<key>," and no key matches.
        std::string joined;
        for (auto [it, end] = req.equal_range(http::field::authorization); it != end; ++it)
            joined += (joined.empty() ? "" : ", ") + std::string(it->value());
        std::string_view auth = joined;
        constexpr std::string_view bearer = "Bearer ";
        if (auth.size() <= bearer.size() || !auth.starts_with(bearer))
            return reply_for(domain_error{error_kind::unauthenticated, "Missing API Key"});
        // The key is header.split(" ")[1]: the text up to the next space.
        auto rest = auth.substr(bearer.size());
        auto key = opts_.api_keys.find(std::string(rest.substr(0, rest.find(' '))));
        if (key == opts_.api_keys.end()) return reply_for(domain_error{error_kind::unauthenticated, "Invalid API Key"});
        org = &key->second;
        key_name = &key->first;
    }
    if (!m.on_path) return reply_for(domain_error{error_kind::no_such_page});
    if (!m.found) return wrong_method(m);
    const route& rt = *m.found;
    // The key's scope, after authentication and routing, before the body is read.
    if (key_name) {
        auto held = opts_.key_scopes.find(*key_name);
        if (held != opts_.key_scopes.end() && !held->second.holds(rt.needs)) {
            std::string needed(scope_name(rt.needs));
            return reply_for(domain_error{error_kind::forbidden, "API key lacks the scope '" + needed + "'",
                                          {{"code", "insufficient_scope"}, {"requiredScope", needed}}});
        }
    }
    bool reads_body = verb != http::verb::get;

    // Body: the hosted service reads a non-JSON content type as {}; malformed JSON is a 400
    // with the validation shape ([local]; hosted answers 500).
    json::value body = json::object();
    if (reads_body && (rt.body_always_json || is_json_content_type(req[http::field::content_type])) && !req.body().empty()) {
        boost::system::error_code ec;
        json::parse_options po;
        po.max_depth = max_json_depth;
        body = json::parse(req.body(), ec, {}, po);
        if (ec)
            return reply_for(validation_error({issue("custom", {}, ec == json::error::too_deep ? "JSON nested too deeply"
                                                                                              : "Malformed JSON in request body")}));
    }

    // A browser's GET (the checkout page) carries no idempotency semantics.
    std::string idem_key = rt.write && reads_body ? std::string(req["Idempotency-Key"]) : std::string();
    if (!idem_key.empty()) {
        bool printable = idem_key.size() <= max_idempotency_key;
        for (unsigned char ch : idem_key) printable = printable && ch >= 0x20 && ch < 0x7f;
        if (!printable)
            return reply_for(domain_error{error_kind::invalid, "Idempotency-Key must be 1-255 printable ASCII characters"});
    }

    // Everything that needs no store runs before the lock (hashing) or after it (the HTTP
    // response), so concurrent requests only queue for the store work itself.
    std::string fingerprint;
    if (!idem_key.empty()) fingerprint = sha256_hex(req.method_string(), req.target(), req.body());
    static const std::string no_org;
    static const catalog no_catalog;   // a public page belongs to no organisation
    std::lock_guard lock(mutex_);
    auto cat = org ? catalogs_.at(*org) : nullptr;
    request_context ctx{{*store_, cat ? *cat : no_catalog, org ? *org : no_org, now_ms(), opts_.events},
                        opts_.public_url, body, parsed->params(), std::move(m.params), catalogs_, std::nullopt};
    if (!rt.write) return reply_for(rt.handler(ctx));

    // One transaction per request: the handler's writes and the idempotency record commit
    // together, so a replay always matches what was written.
    auto t = store_->begin();
    if (!idem_key.empty()) {
        if (auto seen = store_->find_idempotency(*org, idem_key)) {
            if (seen->fingerprint != fingerprint)
                return reply_for(domain_error{error_kind::conflict, "Idempotency key reused with a different request body"});
            return {static_cast<unsigned>(seen->status), std::move(seen->content_type), std::move(seen->body), {}, true};
        }
    }
    reply answer = reply_for(rt.handler(ctx));
    if (!idem_key.empty() && answer.status < 500)
        store_->insert_idempotency(*org, idem_key, {fingerprint, static_cast<int>(answer.status), answer.content_type, answer.body},
                                   ctx.now_ms);
    t->commit();
    if (ctx.new_catalog) catalogs_[*org] = std::make_shared<const catalog>(std::move(*ctx.new_catalog));
    if (after_write_) after_write_();
    return answer;
}

} // namespace owo::local
