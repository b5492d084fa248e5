// The Owostack C++ SDK. See README.md for a quick start.
#pragma once

#include <owostack/client.hpp>
#include <owostack/config.hpp>
#include <owostack/customer.hpp>
#include <owostack/error.hpp>
#include <owostack/pager.hpp>
#include <owostack/types.hpp>
#include <owostack/webhook.hpp>
