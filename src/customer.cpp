#include <owostack/customer.hpp>

namespace owo {

customer::customer(owo::client c, customer_record record)
    : client_(std::move(c)), record_(std::make_shared<const customer_record>(std::move(record))) {}

const customer_record& customer::empty_record() noexcept {
    static const customer_record empty;
    return empty;
}

} // namespace owo
