#include <owostack/customer.hpp>

namespace owo {

customer::customer() : record_(std::make_shared<const customer_record>()) {}

customer::customer(owo::client c, customer_record record)
    : client_(std::move(c)), record_(std::make_shared<const customer_record>(std::move(record))) {}

} // namespace owo
