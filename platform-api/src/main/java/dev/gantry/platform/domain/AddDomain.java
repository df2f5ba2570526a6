package dev.gantry.platform.domain;

/** {@code POST /api/apps/{app}/domains {"hostname": "shop.example.com"}}. */
public record AddDomain(String hostname) {
}
