"""Coupons and campaigns: rules, quotes, cut plans and the margin guard."""
