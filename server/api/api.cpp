// The request pipeline behind api::handle (see api.hpp): auth, route table, body, then one unit
// of work for the store engine (idempotency, handler, idempotency record), metrics, request id.
#include "api/api.hpp"

#include "api/route_table.hpp"
#include "domain/body_validator.hpp"
#include "routes/routes.hpp"
#include "store/postgres_engine.hpp"

#include "ids.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <optional>
#include <random>
#include <variant>
#include <set>
#include <shared_mutex>
#include <unordered_map>

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
    return owo::detail::lower_hex(md, len);
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

reply store_unavailable_reply() {
    return reply{503, "application/json", R"({"success":false,"error":"Store unavailable","status":"unavailable"})"};
}

/// The request's X-Request-Id when it is a sane token (echoed), else a fresh random one.
std::string request_id_of(const http_request& req) {
    auto given = req["X-Request-Id"];
    bool usable = !given.empty() && given.size() <= 128;
    for (unsigned char ch : given) usable = usable && (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == ':');
    if (usable) return std::string(given);
    thread_local std::mt19937_64 random{std::random_device{}()};
    static constexpr char digits[] = "0123456789abcdef";
    std::string id(32, '0');
    for (std::size_t i = 0; i < id.size(); i += 16)
        for (std::uint64_t r = random(), j = 0; j < 16; ++j, r >>= 4) id[i + j] = digits[r & 0xf];
    return id;
}

} // namespace

/// A request that passed everything before the store, waiting for (or running) its unit of work.
/// Lives until the answer is made; refers into the request, which outlives it.
struct api::prepared {
    const route* rt = nullptr;
    write_history* history = nullptr;   // its route's
    const std::string* org = nullptr;
    json::value body;
    urls::params_view query;
    route_params params;
    std::string idem_key, fingerprint;
    std::int64_t now_ms = 0;
    // The unit's outputs, assigned by every run:
    reply answer;
    std::optional<json::object> new_catalog;
};

struct api::request_metrics {
    explicit request_metrics(metrics_registry& r) : registry(r) {}
    metrics_registry& registry;
    // The series each (route, method, status) records into, found once: the registry's lookup
    // builds label vectors under its one mutex, which every request took twice.
    struct series {
        counter* requests;
        histogram* seconds;
    };
    std::shared_mutex mutex;
    std::unordered_map<std::string, series> known;

    void record(std::string_view route, std::string_view method, unsigned status, double seconds) {
        if (route.empty()) route = "unmatched";
        std::string key;
        key.reserve(route.size() + method.size() + 5);
        key.append(route).append(1, ' ').append(method).append(1, ' ').append(std::to_string(status));
        series found{};
        {
            std::shared_lock lock(mutex);
            if (auto it = known.find(key); it != known.end()) found = it->second;
        }
        if (!found.requests) {
            std::string r(route);
            found = {&registry.counter_of("owostack_http_requests_total",
                                          "Requests answered, by route pattern, method and status", {"route", "method", "status"},
                                          {r, std::string(method), std::to_string(status)}),
                     &registry.histogram_of("owostack_http_request_seconds",
                                            "Time from a request's arrival to its answer, store work included",
                                            metrics_registry::latency_buckets(), {"route"}, {r})};
            std::unique_lock lock(mutex);
            known.emplace(std::move(key), found);
        }
        found.requests->add();
        found.seconds->observe(seconds);
    }
};

api::api(api_options opts)
    : opts_(std::move(opts)), keys_(opts_.api_keys, opts_.key_scopes), request_metrics_(std::make_unique<request_metrics>(metrics_)),
      engine_(opts_.open_engine ? opts_.open_engine(opts_.engine, metrics_) : open_store_engine(opts_.engine, metrics_)),
      catalogs_(std::make_shared<const catalog_map>()),
      write_histories_(std::make_unique<write_history[]>(api_routes().size())), shared_store_(is_postgres_url(opts_.engine.store)) {
    move_key_derived_organisations();
    // Each organisation keeps the catalog it has (synced before or loaded on an earlier
    // start) with the catalog file merged in: created and updated, never deleted.
    std::set<std::string> orgs;
    for (const auto& [key, org] : opts_.api_keys) orgs.insert(org);
    for (const auto& org : orgs) {
        json::object doc;
        run_blocking(*engine_, unit_kind::write, [&](store& s) {
            doc = {};
            if (auto stored = s.catalog(org)) doc = json::parse(*stored).as_object();
            merge_catalog(doc, opts_.catalog, now_ms());   // packs it creates are stamped now, as sync stamps them
            s.save_catalog(org, json::serialize(doc));
            static const catalog none;   // the endpoints need no catalog
            configure_command_line_endpoints({s, none, org, now_ms(), opts_.events}, opts_.webhooks, opts_.webhook_secret);
        });
        install_catalog(org, std::move(doc));
    }
}

void api::move_key_derived_organisations() {
    std::set<std::string> orgs;
    for (const auto& [key, org] : opts_.api_keys) orgs.insert(org);
    std::int64_t rows = 0;
    std::set<std::string> moved_to;
    run_blocking(*engine_, unit_kind::write, [&](store& s) {
        rows = 0;
        moved_to.clear();
        for (const auto& [key, org] : opts_.api_keys) {
            // A key that is also some key's organisation name: its rows are that organisation's.
            if (orgs.contains(key) || !s.organisation_exists(key)) continue;
            // Two organisations' event sequences, catalogs and recorded answers cannot be merged.
            if (s.organisation_exists(org))
                throw std::runtime_error("data stored under an organisation id derived from a key of organisation '" + org +
                                         "' (an earlier version's id for a key given without ORG) cannot move to '" + org +
                                         "', which holds data of its own: give that key an organisation of its own "
                                         "(--api-key KEY:ORG); nothing was changed");
            rows += s.move_organisation(key, org);
            moved_to.insert(org);
        }
    });
    if (moved_to.empty()) return;
    std::string names;
    for (const auto& org : moved_to) names += (names.empty() ? "'" : ", '") + org + "'";
    std::fprintf(stderr, "owostack-local: migrated %lld rows of %zu organisation(s) from key-derived ids to %s\n",
                 static_cast<long long>(rows), moved_to.size(), names.c_str());
}

api::~api() { engine_->stop(); }   // finishes the units in flight while everything they use lives

void api::set_public_url(std::string url) { opts_.public_url = std::move(url); }

std::shared_ptr<const catalog_map> api::catalogs() const {
    std::lock_guard lock(catalogs_mutex_);
    return catalogs_;
}

void api::install_catalog(const std::string& org, json::object doc) {
    std::string text = shared_store_ ? json::serialize(doc) : std::string();
    auto cat = std::make_shared<const catalog>(std::move(doc));
    std::lock_guard lock(catalogs_mutex_);
    if (shared_store_) catalog_texts_[org] = std::move(text);
    auto next = std::make_shared<catalog_map>(*catalogs_);
    (*next)[org] = std::move(cat);
    catalogs_ = std::move(next);
}

void api::refresh_catalog(const std::string& org, store& s) {
    auto stored = s.catalog(org);
    if (!stored) return;
    {
        std::lock_guard lock(catalogs_mutex_);
        if (catalog_texts_[org] == *stored) return;
    }
    install_catalog(org, json::parse(*stored).as_object());
}

void api::run_store_unit(bool write, const std::function<void(store&)>& unit) {
    run_blocking(*engine_, write ? unit_kind::write : unit_kind::read, unit);
}

bool api::is_api_route(std::string_view target) {
    if (target.starts_with("/api/v1/")) target.remove_prefix(4);
    return target.starts_with("/v1/") && !target.starts_with("/v1/checkout/");
}

http_response api::handle(const http_request& req) {
    std::promise<http_response> answer;
    auto result = answer.get_future();
    handle(req, [&answer](http_response res) { answer.set_value(std::move(res)); });
    return result.get();
}

void api::handle(const http_request& req, std::function<void(http_response)> done, answer_runner run_answer) {
    auto started = std::chrono::steady_clock::now();
    // Answers once: the request id on every answer, one count and one latency per request.
    auto answer = [this, &req, started, id = request_id_of(req), done](reply r, std::string_view route) {
        auto res = make_response(std::move(r), req);
        res.set("X-Request-Id", id);
        // Methods Beast does not know are one label: a client inventing methods makes no new series.
        request_metrics_->record(route, req.method() == http::verb::unknown ? std::string_view("OTHER") : std::string_view(req.method_string()),
                                 res.result_int(),
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        done(std::move(res));
    };
    auto internal_error = [&req](const char* what) {
        // Never a crash, never a partial write (the unit rolled back); no details out.
        std::fprintf(stderr, "owostack-local: internal error on %s: %s\n", std::string(req.method_string()).c_str(), what);
        return reply_for(domain_error{error_kind::internal, "Internal server error"});
    };
    std::variant<reply, std::shared_ptr<prepared>> next;
    std::string_view route;   // the route pattern, once known
    try {
        next = prepare(req, route);
    } catch (const std::exception& e) {
        next = internal_error(e.what());
    }
    auto finish = [run_answer = std::move(run_answer)](std::function<void()> f) {
        if (run_answer) run_answer(std::move(f));
        else f();
    };
    if (auto* r = std::get_if<reply>(&next)) return finish([answer, r = std::move(*r), route]() mutable { answer(std::move(r), route); });
    auto p = std::get<std::shared_ptr<prepared>>(std::move(next));
    auto kind = p->rt->write ? unit_kind::write : unit_kind::read;
    engine_->submit(
        kind, [this, p](store& s) { run_unit(*p, s); },
        [this, p, answer, internal_error, finish](std::exception_ptr failed) {
            if (!failed) {
                // Committed, in commit order (this runs on the engine's thread): the synced
                // catalog serves the requests that follow; events may wait for delivery.
                if (p->new_catalog) install_catalog(*p->org, std::move(*p->new_catalog));
                if (p->rt->write && after_write_) after_write_();
            }
            finish([p, answer, internal_error, failed] {
                if (!failed) return answer(std::move(p->answer), p->rt->pattern);
                try {
                    std::rethrow_exception(failed);
                } catch (const store_unavailable& e) {
                    // Nothing was written (or, after a lost COMMIT, the client's retry with its
                    // Idempotency-Key settles it): retryable, as /ready says.
                    std::fprintf(stderr, "owostack-local: store unavailable: %s\n", e.what());
                    answer(store_unavailable_reply(), p->rt->pattern);
                } catch (const std::exception& e) {
                    answer(internal_error(e.what()), p->rt->pattern);
                } catch (...) {
                    answer(internal_error("unknown exception"), p->rt->pattern);
                }
            });
        },
        p->history);
}

std::variant<reply, std::shared_ptr<api::prepared>> api::prepare(const http_request& req, std::string_view& route_label) {
    auto parsed = urls::parse_origin_form(req.target());
    if (!parsed) return reply_for(domain_error{error_kind::no_such_page});
    auto segs = segments_of(*parsed);
    auto verb = req.method();

    // Liveness: answered before anything else, and never waits for the store lock. The hosted
    // health route is GET / (routes/health.ts); /health is the [extension].
    if (segs.size() == 1 && segs[0] == "health") return route_label = "/health", reply_for(json::object{{"status", "ok"}});
    if ((segs.empty() || (segs.size() == 1 && segs[0].empty())) && verb == http::verb::get)
        return route_label = "/", reply_for(json::object{{"status", "healthy"}});
    // [extension] Operations: unauthenticated like /health (no tenant data in either).
    if (segs.size() == 1 && segs[0] == "ready" && verb == http::verb::get) {
        route_label = "/ready";
        if (engine_->ready()) return reply_for(json::object{{"status", "ready"}});
        return store_unavailable_reply();
    }
    if (segs.size() == 1 && segs[0] == "metrics" && verb == http::verb::get)
        return route_label = "/metrics", reply{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render()};
    // index.ts mounts the API at /v1 and at /api/v1.
    if (segs.size() >= 2 && segs[0] == "api" && segs[1] == "v1") segs.erase(segs.begin());
    if (segs.empty() || segs[0] != "v1") return reply_for(domain_error{error_kind::no_such_page});

    const route_table& routes = api_routes();
    auto m = routes.match(verb, segs);
    if (m.found) route_label = m.found->pattern;

    // Authentication before routing, as hosted: an unknown route with no key is a 401.
    const std::string* org = nullptr;
    const scope_set* scopes = nullptr;
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
        const auto* key = keys_.find(rest.substr(0, rest.find(' ')));
        if (!key) return reply_for(domain_error{error_kind::unauthenticated, "Invalid API Key"});
        org = &key->org;
        scopes = &key->scopes;
    }
    if (!m.on_path) return reply_for(domain_error{error_kind::no_such_page});
    if (!m.found) return wrong_method(m);
    const route& rt = *m.found;
    // The key's scope, after authentication and routing, before the body is read.
    if (scopes && !scopes->holds(rt.needs)) {
        std::string needed(scope_name(rt.needs));
        return reply_for(domain_error{error_kind::forbidden, "API key lacks the scope '" + needed + "'",
                                      {{"code", "insufficient_scope"}, {"requiredScope", needed}}});
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

    // Everything that needs no store runs before the unit of work (hashing) or after it (the
    // HTTP response), so the store engine only runs the store work itself.
    auto p = std::make_shared<prepared>();
    p->rt = &rt;
    p->history = &write_histories_[m.index];
    p->org = org;
    p->body = std::move(body);
    p->query = parsed->params();
    p->params = std::move(m.params);
    if (!idem_key.empty()) p->fingerprint = sha256_hex(req.method_string(), req.target(), req.body());
    p->idem_key = std::move(idem_key);
    p->now_ms = now_ms();
    return p;
}

void api::run_unit(prepared& p, store& s) {
    static const std::string no_org;
    static const catalog no_catalog;   // a public page belongs to no organisation
    p.new_catalog.reset();
    if (shared_store_ && p.org) refresh_catalog(*p.org, s);
    auto all = catalogs();
    const catalog* cat = p.org ? all->at(*p.org).get() : &no_catalog;
    request_context ctx{{s, *cat, p.org ? *p.org : no_org, p.now_ms, opts_.events}, opts_.public_url, p.body, p.query, p.params, *all,
                        std::nullopt};
    // One transaction per request: the handler's writes and the idempotency record commit
    // together, so a replay always matches what was written.
    if (p.rt->write && !p.idem_key.empty()) {
        if (auto seen = s.find_idempotency(*p.org, p.idem_key)) {
            if (seen->fingerprint != p.fingerprint)
                p.answer = reply_for(domain_error{error_kind::conflict, "Idempotency key reused with a different request body"});
            else
                p.answer = {static_cast<unsigned>(seen->status), std::move(seen->content_type), std::move(seen->body), {}, true};
            return;
        }
    }
    p.answer = reply_for(p.rt->handler(ctx));
    if (!p.idem_key.empty() && p.answer.status < 500)
        s.insert_idempotency(*p.org, p.idem_key, {p.fingerprint, static_cast<int>(p.answer.status), p.answer.content_type, p.answer.body},
                             p.now_ms);
    p.new_catalog = std::move(ctx.new_catalog);
}

} // namespace owo::local
