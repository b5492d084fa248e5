// The Owostack C++ SDK. See README.md for a quick start.
#pragma once

#include <owostack/billing.hpp>
#include <owostack/catalog.hpp>
#include <owostack/client.hpp>
#include <owostack/config.hpp>
#include <owostack/credits.hpp>
#include <owostack/customer.hpp>
#include <owostack/error.hpp>
#include <owostack/pager.hpp>
#include <owostack/types.hpp>
#include <owostack/wallet.hpp>
#include <owostack/webhook.hpp>
