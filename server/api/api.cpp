#include "api/api.hpp"

#include "api/request_context.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <functional>
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

bool is_json_content_type(std::string_view ct) {
    auto semi = ct.find(';');
    auto media = ct.substr(0, semi);
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    if (media.size() != 16) return false;
    for (std::size_t i = 0; i < media.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(media[i])) != "application/json"[i]) return false;
    return true;
}

/// The path split into decoded segments, e.g. {"v1", "customers", "<id>"}.
std::vector<std::string> segments_of(const urls::url_view& u) {
    std::vector<std::string> out;
    for (auto s : u.segments()) out.push_back(s);
    return out;
}

enum class method_set { get, post };

} // namespace

api::api(api_options opts) : opts_(std::move(opts)), store_(opts_.db_path) {
    // Each organisation keeps the catalog it has (synced before or loaded on an earlier
    // start) with the catalog file merged in: created and updated, never deleted.
    std::set<std::string> orgs;
    for (const auto& [key, org] : opts_.api_keys) orgs.insert(org);
    for (const auto& org : orgs) {
        json::object doc;
        if (auto stored = store_.catalog(org)) doc = json::parse(*stored).as_object();
        transaction t(store_.db());
        merge_catalog(doc, opts_.catalog);
        store_.save_catalog(org, json::serialize(doc));
        t.commit();
        catalogs_[org] = std::make_shared<const catalog>(std::move(doc));
    }
}

void api::set_public_url(std::string url) {
    std::lock_guard lock(mutex_);
    opts_.public_url = std::move(url);
}

bool api::is_api_route(std::string_view target) {
    return target.starts_with("/v1/") && !target.starts_with("/v1/checkout/");
}

http_response api::handle(const http_request& req) {
    http_response res;
    try {
        res = dispatch(req);
    } catch (const std::exception& e) {
        // Never a crash, never a partial write (the transaction rolled back); no details out.
        std::fprintf(stderr, "owostack-local: internal error on %s: %s\n", std::string(req.method_string()).c_str(), e.what());
        auto r = error_reply(500, "Internal server error");
        res.result(500);
        res.set(http::field::content_type, r.content_type);
        res.body() = std::move(r.body);
    }
    res.version(req.version());
    res.set(http::field::server, "owostack-local");
    res.set("Idempotency-Support", "honoured");
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

http_response api::dispatch(const http_request& req) {
    auto make = [&](reply r) {
        http_response res{static_cast<http::status>(r.status), req.version()};
        res.set(http::field::content_type, r.content_type);
        res.body() = std::move(r.body);
        return res;
    };

    auto parsed = urls::parse_origin_form(req.target());
    if (!parsed) return make(not_found_reply());
    auto segs = segments_of(*parsed);
    auto verb = req.method();

    if (segs.size() == 1 && segs[0] == "health") return make(json_reply(200, {{"status", "ok"}}));
    if (segs.empty() || segs[0] != "v1") return make(not_found_reply());

    // The sandbox checkout page is a browser page, as a payment provider's would be: no key.
    if (segs.size() == 3 && segs[1] == "checkout") {
        if (verb != http::verb::get) return make(error_reply(405, "Method Not Allowed"));
        std::lock_guard lock(mutex_);
        transaction t(store_.db());
        auto r = get_checkout(store_, catalogs_, segs[2]);
        t.commit();
        return make(std::move(r));
    }

    // Authentication before routing, as hosted: an unknown route with no key is a 401.
    auto auth = req[http::field::authorization];
    constexpr std::string_view bearer = "Bearer ";
    if (auth.size() <= bearer.size() || !auth.starts_with(bearer)) return make(error_reply(401, "Missing API Key"));
    auto key = opts_.api_keys.find(std::string(auth.substr(bearer.size())));
    if (key == opts_.api_keys.end()) return make(error_reply(401, "Invalid API Key"));
    const std::string& org = key->second;

    // Route table: which handler, for which method.
    using handler = std::function<reply(request_context&)>;
    handler h;
    method_set allowed = method_set::post;
    auto route = [&](method_set m, handler fn) {
        allowed = m;
        h = std::move(fn);
    };
    const auto n = segs.size();
    if (n == 2 && segs[1] == "customers") route(method_set::post, post_customers);
    else if (n == 3 && segs[1] == "customers") route(method_set::get, [id = segs[2]](auto& c) { return get_customer(c, id); });
    else if (n == 2 && segs[1] == "entities") {
        if (verb == http::verb::get) route(method_set::get, get_entities);
        else route(method_set::post, post_entities);
    } else if (n == 3 && segs[1] == "entities" && segs[2] == "remove") route(method_set::post, post_entities_remove);
    else if (n == 2 && segs[1] == "plans") route(method_set::get, get_plans);
    else if (n == 3 && segs[1] == "plans") route(method_set::get, [slug = segs[2]](auto& c) { return get_plan(c, slug); });
    else if (n == 2 && segs[1] == "attach") route(method_set::post, post_attach);
    else if (n == 2 && segs[1] == "check") route(method_set::post, post_check);
    else if (n == 2 && segs[1] == "track") route(method_set::post, post_track);
    else if (n == 2 && segs[1] == "sync") route(method_set::post, post_sync);
    else return make(not_found_reply());

    bool entities_route = n == 2 && segs[1] == "entities";
    bool method_ok = allowed == method_set::get ? verb == http::verb::get : verb == http::verb::post;
    if (entities_route) method_ok = verb == http::verb::get || verb == http::verb::post;
    if (!method_ok) {
        auto res = make(error_reply(405, "Method Not Allowed"));
        res.set(http::field::allow, entities_route ? "GET, POST" : allowed == method_set::get ? "GET" : "POST");
        return res;
    }

    // Body: the hosted service reads a non-JSON content type as {}; malformed JSON is a 400
    // with the validation shape ([local]; hosted answers 500).
    json::value body = json::object();
    if (verb == http::verb::post && is_json_content_type(req[http::field::content_type]) && !req.body().empty()) {
        boost::system::error_code ec;
        json::parse_options po;
        po.max_depth = max_json_depth;
        body = json::parse(req.body(), ec, {}, po);
        if (ec) {
            json::array issues{issue("custom", {}, ec == json::error::too_deep ? "JSON nested too deeply"
                                                                                : "Malformed JSON in request body")};
            return make(validation_reply(issues));
        }
    }

    std::string idem_key(req["Idempotency-Key"]);
    if (verb == http::verb::post && !idem_key.empty()) {
        bool printable = idem_key.size() <= max_idempotency_key;
        for (unsigned char ch : idem_key) printable = printable && ch >= 0x20 && ch < 0x7f;
        if (!printable) return make(error_reply(400, "Idempotency-Key must be 1-255 printable ASCII characters"));
    }

    // Everything that needs no store runs before the lock (hashing) or after it (the HTTP
    // response), so concurrent requests only queue for the store work itself.
    std::string fingerprint;
    if (verb == http::verb::post && !idem_key.empty())
        fingerprint = sha256_hex(req.method_string(), req.target(), req.body());
    bool replayed = false;
    reply r = [&] {
        std::lock_guard lock(mutex_);
        auto cat = catalogs_.at(org);
        request_context ctx{store_, *cat, org, now_ms(), opts_.public_url, body, parsed->params(), std::nullopt};
        if (verb == http::verb::get) return h(ctx);

        // One transaction per request: the handler's writes and the idempotency record commit
        // together, so a replay always matches what was written.
        transaction t(store_.db());
        if (!idem_key.empty()) {
            if (auto seen = store_.find_idempotency(org, idem_key)) {
                if (seen->fingerprint != fingerprint)
                    return error_reply(409, "Idempotency key reused with a different request body");
                replayed = true;
                return reply{static_cast<unsigned>(seen->status), std::move(seen->content_type), std::move(seen->body)};
            }
        }
        reply answer = h(ctx);
        if (!idem_key.empty() && answer.status < 500)
            store_.insert_idempotency(org, idem_key, {fingerprint, static_cast<int>(answer.status), answer.content_type, answer.body},
                                      ctx.now_ms);
        t.commit();
        if (ctx.new_catalog) catalogs_[org] = std::make_shared<const catalog>(std::move(*ctx.new_catalog));
        return answer;
    }();
    auto res = make(std::move(r));
    if (replayed) res.set("Idempotent-Replayed", "true");
    return res;
}

} // namespace owo::local
